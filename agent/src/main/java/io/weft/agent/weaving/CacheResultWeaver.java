package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves {@code @CacheResult}. In Java terms, with every call to the runtime in a {@code try} whose
 * {@code catch (Throwable)} ignores what it throws:
 *
 * <pre>
 * Object token = null;
 * token = Dispatch.enterCached(id, args);
 * if (token instanceof Hit) return (R) ((Hit) token).value();   // the zero value of R if that throws
 * try {
 *     ... the method's code, each {@code return value} becoming:
 *     result = value; Dispatch.exitCached(id, token, args, result, null); return result;
 * } catch (Throwable thrown) {
 *     Dispatch.exitCached(id, token, args, zero value of R, thrown); throw thrown;
 * }
 * </pre>
 *
 * {@code args} is a new array of the arguments' current values at each call. The added locals are the
 * token, the result and the exception, in this order.
 */
final class CacheResultWeaver extends MethodWeaver {

    private static final String ENTER = "(I[Ljava/lang/Object;)Ljava/lang/Object;";
    private static final String EXIT = "(ILjava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)V";
    private static final Object[] TOKEN = {"java/lang/Object"};

    private final Label bodyStart = new Label();
    private final Label hit = new Label();
    private final Label returnHandler = new Label();
    private final int result;
    private final int thrown;
    private boolean returns;

    CacheResultWeaver(MethodVisitor delegate, WovenMethod method) {
        super(delegate, method, 2 + Type.getReturnType(method.descriptor).getSize());
        this.result = firstLocal + 1;
        this.thrown = result + returnType.getSize();
    }

    @Override
    void onEnter() {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label entered = new Label();
        out.visitInsn(Opcodes.ACONST_NULL);
        out.visitVarInsn(Opcodes.ASTORE, firstLocal);
        out.visitLabel(start);
        pushId();
        pushArguments();
        out.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enterCached", ENTER, false);
        out.visitVarInsn(Opcodes.ASTORE, firstLocal);
        out.visitLabel(end);
        out.visitJumpInsn(Opcodes.GOTO, entered);
        out.visitLabel(handler);
        frame(TOKEN, THROWABLE);
        out.visitInsn(Opcodes.POP);
        out.visitLabel(entered);
        frame(TOKEN, NONE);
        out.visitVarInsn(Opcodes.ALOAD, firstLocal);
        out.visitTypeInsn(Opcodes.INSTANCEOF, HIT);
        out.visitJumpInsn(Opcodes.IFNE, hit);
        out.visitLabel(bodyStart);
        suppress(start, end, handler);
    }

    @Override
    void onReturn(int opcode) {
        returns = true;
        out.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), result);
        Label start = new Label();
        Label end = new Label();
        out.visitLabel(start);
        pushId();
        out.visitVarInsn(Opcodes.ALOAD, firstLocal);
        pushArguments();
        out.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), result);
        box(returnType);
        out.visitInsn(Opcodes.ACONST_NULL);
        out.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitCached", EXIT, false);
        out.visitLabel(end);
        returnResult();
        suppress(start, end, returnHandler);
    }

    @Override
    void onEnd() {
        Label bodyEnd = new Label();
        Label throwHandler = new Label();
        out.visitLabel(bodyEnd);
        out.visitLabel(throwHandler);
        exitOnThrow();
        catchAll(bodyStart, bodyEnd, throwHandler);
        if (returns) {
            // shared by the calls to exitCached at each return
            out.visitLabel(returnHandler);
            frame(added(verificationType(returnType), Opcodes.TOP), THROWABLE);
            out.visitInsn(Opcodes.POP);
            returnResult();
        }
        returnHit();
    }

    @Override
    Object[] addedInBody() {
        return added(Opcodes.TOP, Opcodes.TOP);
    }

    /** The handler of the method's own code: tells the runtime what was thrown, then rethrows it. */
    private void exitOnThrow() {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        frame(added(Opcodes.TOP, Opcodes.TOP), THROWABLE);
        out.visitVarInsn(Opcodes.ASTORE, thrown);
        out.visitLabel(start);
        pushId();
        out.visitVarInsn(Opcodes.ALOAD, firstLocal);
        pushArguments();
        pushDefault();
        box(returnType);
        out.visitVarInsn(Opcodes.ALOAD, thrown);
        out.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitCached", EXIT, false);
        out.visitLabel(end);
        rethrow();
        out.visitLabel(handler);
        frame(added(Opcodes.TOP, "java/lang/Throwable"), THROWABLE);
        out.visitInsn(Opcodes.POP);
        rethrow();
        suppress(start, end, handler);
    }

    /** Returns the hit's value as the return type, or the zero value if it is not of that type. */
    private void returnHit() {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        out.visitLabel(hit);
        frame(TOKEN, NONE);
        out.visitLabel(start);
        out.visitVarInsn(Opcodes.ALOAD, firstLocal);
        out.visitTypeInsn(Opcodes.CHECKCAST, HIT);
        out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HIT, "value", "()Ljava/lang/Object;", false);
        unboxReturn();
        out.visitLabel(end);
        out.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
        out.visitLabel(handler);
        frame(TOKEN, THROWABLE);
        out.visitInsn(Opcodes.POP);
        pushDefault();
        out.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
        suppress(start, end, handler);
    }

    /** The verification types of the added locals: the token, then {@code result} (all its slots), then {@code thrown}. */
    private Object[] added(Object resultType, Object thrownType) {
        List<Object> types = new ArrayList<>(Arrays.asList(TOKEN));
        types.addAll(Arrays.asList(resultType == Opcodes.TOP ? unset(returnType.getSize()) : new Object[] {resultType}));
        types.add(thrownType);
        return types.toArray();
    }

    private void returnResult() {
        out.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), result);
        out.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }

    private void rethrow() {
        out.visitVarInsn(Opcodes.ALOAD, thrown);
        out.visitInsn(Opcodes.ATHROW);
    }
}
