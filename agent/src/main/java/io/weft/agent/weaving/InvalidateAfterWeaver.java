package io.weft.agent.weaving;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves {@code @InvalidateCache}: each return becomes {@code result = value;
 * try { Dispatch.invalidate(id, args, result); } catch (Throwable ignored) { } return result;}. A thrown
 * exception passes through without evicting. The one added local holds the result.
 */
final class InvalidateAfterWeaver extends MethodWeaver {

    private final Label handler = new Label();
    private boolean returns;

    InvalidateAfterWeaver(MethodVisitor delegate, WovenMethod method) {
        super(delegate, method, Type.getReturnType(method.descriptor).getSize());
    }

    @Override
    void onEnter() {
    }

    @Override
    void onReturn(int opcode) {
        returns = true;
        boolean isVoid = opcode == Opcodes.RETURN;
        if (!isVoid) {
            out.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), firstLocal);
        }
        Label start = new Label();
        Label end = new Label();
        out.visitLabel(start);
        pushId();
        pushArguments();
        if (isVoid) {
            out.visitInsn(Opcodes.ACONST_NULL);
        } else {
            out.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), firstLocal);
            box(returnType);
        }
        out.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "invalidate", "(I[Ljava/lang/Object;Ljava/lang/Object;)V",
                false);
        out.visitLabel(end);
        returnResult();
        suppress(start, end, handler);
    }

    @Override
    void onEnd() {
        if (!returns) {
            return;
        }
        out.visitLabel(handler);
        frame(returnType.getSize() == 0 ? new Object[0] : new Object[] {verificationType(returnType)}, THROWABLE);
        out.visitInsn(Opcodes.POP);
        returnResult();
    }

    @Override
    Object[] addedInBody() {
        return unset(returnType.getSize());
    }

    private void returnResult() {
        if (returnType.getSize() > 0) {
            out.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), firstLocal);
        }
        out.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }
}
