package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;

/**
 * Rewrites one method's code around the calls to {@code Dispatch}. The added locals go right after the
 * parameters and the method's own locals move up by as many slots, in its instructions, its local
 * variable table and its stack map frames (read expanded, {@code ClassReader.EXPAND_FRAMES}).
 *
 * <p>Every call into the runtime is wrapped in a handler that swallows what it throws, and every such
 * handler comes first in the exception table, so that the method's own handlers never see it. Code
 * added at a return instruction never branches: the operand stack below the returned value is not
 * known there, so no stack map frame could be written for a branch target.
 */
abstract class MethodWeaver extends MethodVisitor {

    static final String DISPATCH = "io/weft/agent/bootstrap/Dispatch";
    static final String HIT = "io/weft/agent/bootstrap/Hit";
    /** No added locals, or an empty operand stack, in a stack map frame. */
    static final Object[] NONE = {};
    /** The operand stack on entry to a handler. */
    static final Object[] THROWABLE = {"java/lang/Throwable"};
    /** The deepest the added code takes the stack: id, token, array, array, index, a long or double argument. */
    private static final int ADDED_STACK = 7;

    /** Emits the added code: unlike {@code super}, it does not move local variables. */
    final MethodVisitor out;
    final int id;
    final Type returnType;
    /** The first slot after the parameters, where the added locals start. */
    final int firstLocal;
    private final Type[] parameterTypes;
    private final boolean isStatic;
    private final Object[] parameterFrame;
    private final boolean frames;
    private final int addedSlots;
    private final List<Label[]> suppressing = new ArrayList<>();
    private final List<Runnable> methodTryCatchBlocks = new ArrayList<>();
    private final List<Label[]> catchingAll = new ArrayList<>();

    MethodWeaver(MethodVisitor delegate, WovenMethod method, int addedSlots) {
        super(Opcodes.ASM9, delegate);
        this.out = delegate;
        this.id = method.id;
        this.returnType = Type.getReturnType(method.descriptor);
        this.parameterTypes = Type.getArgumentTypes(method.descriptor);
        this.isStatic = (method.access & Opcodes.ACC_STATIC) != 0;
        this.frames = method.frames;
        this.addedSlots = addedSlots;
        List<Object> frame = new ArrayList<>();
        if (!isStatic) {
            frame.add(method.owner);
        }
        int slots = isStatic ? 0 : 1;
        for (Type type : parameterTypes) {
            frame.add(verificationType(type));
            slots += type.getSize();
        }
        this.parameterFrame = frame.toArray();
        this.firstLocal = slots;
    }

    /** Emits the code that runs before the method's own. */
    abstract void onEnter();

    /** Replaces one return instruction of the method's own code. */
    abstract void onReturn(int opcode);

    /** Emits the code placed after the method's own (handlers and the paths they lead to). */
    abstract void onEnd();

    /** The verification types of the added locals inside the method's own code. */
    abstract Object[] addedInBody();

    @Override
    public void visitCode() {
        super.visitCode();
        onEnter();
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            onReturn(opcode);
        } else {
            super.visitInsn(opcode);
        }
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        super.visitVarInsn(opcode, moved(var));
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        super.visitIincInsn(moved(var), increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
            int index) {
        super.visitLocalVariable(name, descriptor, signature, start, end, moved(index));
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start, Label[] end,
            int[] index, String descriptor, boolean visible) {
        int[] moved = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            moved[i] = moved(index[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("expected expanded stack map frames");
        }
        List<Object> locals = new ArrayList<>();
        int slot = 0;
        int i = 0;
        while (slot < firstLocal) {
            Object entry = i < numLocal ? local[i++] : Opcodes.TOP;
            locals.add(entry);
            slot += entry == Opcodes.LONG || entry == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slot != firstLocal) {
            throw new IllegalStateException("a stack map frame's local straddles the last parameter");
        }
        locals.addAll(List.of(addedInBody()));
        while (i < numLocal) {
            locals.add(local[i++]);
        }
        super.visitFrame(type, locals.size(), locals.toArray(), numStack, stack);
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        // written after the added handlers that must come first, in visitMaxs
        methodTryCatchBlocks.add(() -> super.visitTryCatchBlock(start, end, handler, type));
    }

    @Override
    public AnnotationVisitor visitTryCatchAnnotation(int typeRef, TypePath typePath, String descriptor,
            boolean visible) {
        // Dropped: it names its block by exception table index, which the added handlers shift, and only
        // tools reading class files see it (reflection does not).
        return null;
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        onEnd();
        for (Label[] block : suppressing) {
            out.visitTryCatchBlock(block[0], block[1], block[2], "java/lang/Throwable");
        }
        methodTryCatchBlocks.forEach(Runnable::run);
        for (Label[] block : catchingAll) {
            out.visitTryCatchBlock(block[0], block[1], block[2], "java/lang/Throwable");
        }
        super.visitMaxs(maxStack + ADDED_STACK, maxLocals + addedSlots);
    }

    /** Registers a handler for what the added code between {@code start} and {@code end} throws. */
    void suppress(Label start, Label end, Label handler) {
        suppressing.add(new Label[] {start, end, handler});
    }

    /** Registers a handler for what the method's own code throws and does not catch itself. */
    void catchAll(Label start, Label end, Label handler) {
        catchingAll.add(new Label[] {start, end, handler});
    }

    /** Writes a stack map frame: the parameters, then {@code added} locals, then {@code stack}. */
    void frame(Object[] added, Object[] stack) {
        if (!frames) {
            return;
        }
        Object[] locals = new Object[parameterFrame.length + added.length];
        System.arraycopy(parameterFrame, 0, locals, 0, parameterFrame.length);
        System.arraycopy(added, 0, locals, parameterFrame.length, added.length);
        out.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
    }

    /** Pushes the method id. */
    void pushId() {
        push(id);
    }

    /** Pushes a new {@code Object[]} of the current argument values, primitives boxed. */
    void pushArguments() {
        push(parameterTypes.length);
        out.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < parameterTypes.length; i++) {
            out.visitInsn(Opcodes.DUP);
            push(i);
            out.visitVarInsn(parameterTypes[i].getOpcode(Opcodes.ILOAD), slot);
            box(parameterTypes[i]);
            out.visitInsn(Opcodes.AASTORE);
            slot += parameterTypes[i].getSize();
        }
    }

    /** Pushes the zero value of the return type ({@code null} for references). */
    void pushDefault() {
        switch (returnType.getSort()) {
            case Type.LONG:
                out.visitInsn(Opcodes.LCONST_0);
                break;
            case Type.FLOAT:
                out.visitInsn(Opcodes.FCONST_0);
                break;
            case Type.DOUBLE:
                out.visitInsn(Opcodes.DCONST_0);
                break;
            case Type.OBJECT:
            case Type.ARRAY:
                out.visitInsn(Opcodes.ACONST_NULL);
                break;
            default:
                out.visitInsn(Opcodes.ICONST_0);
        }
    }

    /** Replaces a value of {@code type} on the stack with an {@code Object}. */
    void box(Type type) {
        if (Types.isPrimitive(type)) {
            String wrapper = Types.wrapper(type);
            out.visitMethodInsn(Opcodes.INVOKESTATIC, wrapper, "valueOf",
                    "(" + type.getDescriptor() + ")L" + wrapper + ";", false);
        }
    }

    /** Replaces an {@code Object} on the stack with a value of the return type: a cast, and unboxing for primitives. */
    void unboxReturn() {
        if (Types.isPrimitive(returnType)) {
            String wrapper = Types.wrapper(returnType);
            out.visitTypeInsn(Opcodes.CHECKCAST, wrapper);
            out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, wrapper, returnType.getClassName() + "Value",
                    "()" + returnType.getDescriptor(), false);
        } else if (!returnType.getInternalName().equals("java/lang/Object")) {
            out.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
        }
    }

    /** The verification types of {@code size} unassigned slots. */
    static Object[] unset(int size) {
        Object[] types = new Object[size];
        Arrays.fill(types, Opcodes.TOP);
        return types;
    }

    /** The stack map frame type of a value of {@code type}. */
    static Object verificationType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.CHAR:
            case Type.BYTE:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName();
        }
    }

    private int moved(int var) {
        return var < firstLocal ? var : var + addedSlots;
    }

    private void push(int value) {
        if (value >= -1 && value <= 5) {
            out.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            out.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            out.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            out.visitLdcInsn(value);
        }
    }
}
