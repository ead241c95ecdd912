package io.weft.agent.weaving;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves {@code @InvalidateCache(beforeInvocation = true)}: on entry,
 * {@code try { Dispatch.invalidate(id, args, null); } catch (Throwable ignored) { }}, then the method as it was.
 */
final class InvalidateBeforeWeaver extends MethodWeaver {

    InvalidateBeforeWeaver(MethodVisitor delegate, WovenMethod method) {
        super(delegate, method, 0);
    }

    @Override
    void onEnter() {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label body = new Label();
        out.visitLabel(start);
        pushId();
        pushArguments();
        out.visitInsn(Opcodes.ACONST_NULL);
        out.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "invalidate", "(I[Ljava/lang/Object;Ljava/lang/Object;)V",
                false);
        out.visitLabel(end);
        out.visitJumpInsn(Opcodes.GOTO, body);
        out.visitLabel(handler);
        frame(NONE, THROWABLE);
        out.visitInsn(Opcodes.POP);
        out.visitLabel(body);
        frame(NONE, NONE);
        // the method's own code may start with a frame of its own: two cannot share an offset
        out.visitInsn(Opcodes.NOP);
        suppress(start, end, handler);
    }

    @Override
    void onReturn(int opcode) {
        out.visitInsn(opcode);
    }

    @Override
    void onEnd() {
    }

    @Override
    Object[] addedInBody() {
        return NONE;
    }
}
