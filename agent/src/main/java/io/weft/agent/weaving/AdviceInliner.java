package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.keys.UnboxedArgument;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inlines one {@link Advice} into a method's code as it streams through (the class is read with
 * expanded frames and written with computed maxima, never computed frames, so no class is loaded).
 * The method's own locals keep their slots: the arguments array and the cache token go in two slots
 * after the method's {@code maxLocals} (an invalidation after invocation: the arguments array alone), and
 * every frame of the method is widened to carry them. Values at a return are handed to the runtime straight
 * from the operand stack.
 *
 * <p>{@code @CacheResult} becomes, in Java terms:
 * <pre>
 * Object token = Dispatch.enterCached(ID, a, null, null, 0, b, 0); // up to three parameters: no array on a hit;
 * //   here b is a long, an int or a double, passed unboxed (UnboxedArgument); four to six: six slots of each kind
 * // with refreshAfter, or returning a future: Dispatch.enterWithReceiver(ID, this, a, …) (null for a static method)
 * if (token instanceof Hit) return (R) ((Hit) token).value();
 * Object[] args = {a, b}; // a method of more than six parameters makes it first, and enters with it
 * try { …body, each {@code return r} preceded by Dispatch.exitCached(ID, token, args, r)… }
 * // returning a future: each {@code return r} becomes return (R) Dispatch.exitFuture(ID, token, args, r)
 * catch (Throwable t) { return (R) Dispatch.exitThrown(ID, token, args, t); } // throws t unless a stale value stands in
 * </pre>
 * A batch method does the same through {@code Dispatch.enterBatch}, then reads its batch parameter back from
 * {@code args} (the runtime put the elements still missing there) before the body, and returns
 * {@code (R) Dispatch.exitBatch(ID, token, args, r)} in place of each {@code r}.
 * {@code @InvalidateCache} calls {@code Dispatch.invalidate(ID, args, result)} on entry (before
 * invocation) or before each return; after invocation, {@code args} is made on entry and kept in its own
 * slot, so that the keys are rendered from the arguments the method was called with, whatever the body
 * later stores in the parameters' slots (an optimizer may even reuse a dead parameter's slot for a value
 * of another type):
 * <pre>
 * Object[] args = {a, b};
 * …body, each {@code return r} preceded by Dispatch.invalidate(ID, args, r)…
 * </pre>
 * A method with both annotations has the cached advice only, whose arguments array the runtime evicts with.
 */
final class AdviceInliner extends MethodVisitor {

    private static final String DISPATCH = "io/weft/agent/bootstrap/Dispatch";
    private static final String HIT = "io/weft/agent/bootstrap/Hit";
    private static final String OBJECT = "java/lang/Object";
    private static final String OBJECT_ARRAY = "[Ljava/lang/Object;";
    private static final String OBJECT_DESCRIPTOR = "Ljava/lang/Object;";
    private static final String THROWABLE = "java/lang/Throwable";

    private final Advice advice;
    /** Whether the advice is {@code @CacheResult}'s, of either kind. */
    private final int id;
    private final boolean isStatic;
    private final String owner;
    private final Type[] parameters;
    private final Type returnType;
    private final int originalMaxLocals;
    private final int argsSlot;
    private final int tokenSlot;
    /** The frame types of the slots the advice keeps after the method's own, from {@link #argsSlot} on. */
    private final Object[] ownSlots;
    private final Label bodyStart = new Label();
    private final Label bodyEnd = new Label();
    private final Label handler = new Label();
    private final boolean frames;
    private final int batchParameter;
    private boolean prologueWritten;

    /**
     * @param originalMaxLocals the method's {@code max_locals} before weaving
     * @param frames whether the class file has stack map frames (version 50 and later)
     * @param batchParameter for {@link Advice#CACHE_BATCH}, the position of the batch parameter; else ignored
     */
    AdviceInliner(MethodVisitor target, Advice advice, int id, int access, String owner, String descriptor,
            int originalMaxLocals, boolean frames, int batchParameter) {
        super(Opcodes.ASM9, target);
        this.batchParameter = batchParameter;
        this.frames = frames;
        this.advice = advice;
        this.id = id;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.owner = owner;
        this.parameters = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.originalMaxLocals = originalMaxLocals;
        this.argsSlot = originalMaxLocals;
        this.tokenSlot = originalMaxLocals + 1;
        this.ownSlots = cached() ? new Object[] {OBJECT_ARRAY, OBJECT}
                : advice == Advice.INVALIDATE_AFTER ? new Object[] {OBJECT_ARRAY} : new Object[0];
    }

    /**
     * Writes the code that goes before the method's own, once, at the first instruction, label or frame:
     * the method's try-catch entries come before those (ClassReader visits them first), and the handler
     * added here must come after them in the exception table.
     */
    private void prologue() {
        if (prologueWritten) {
            return;
        }
        prologueWritten = true;
        switch (advice) {
            case CACHE_RESULT:
            case CACHE_BATCH:
            case CACHE_RESULT_WITH_RECEIVER:
                super.visitTryCatchBlock(bodyStart, bodyEnd, handler, THROWABLE);
                Label miss = new Label();
                boolean passesValues = passesArgumentsOneByOne();
                if (passesValues) {
                    super.visitInsn(Opcodes.ACONST_NULL); // the array is made on a miss only; the frame below has it
                } else {
                    pushArguments();
                }
                super.visitVarInsn(Opcodes.ASTORE, argsSlot);
                pushId();
                if (advice == Advice.CACHE_RESULT_WITH_RECEIVER) {
                    if (isStatic) {
                        super.visitInsn(Opcodes.ACONST_NULL);
                    } else {
                        super.visitVarInsn(Opcodes.ALOAD, 0); // the receiver: a background reload calls the method on it
                    }
                }
                String entry = advice == Advice.CACHE_BATCH ? "enterBatch"
                        : advice == Advice.CACHE_RESULT_WITH_RECEIVER ? "enterWithReceiver" : "enterCached";
                String receiver = advice == Advice.CACHE_RESULT_WITH_RECEIVER ? OBJECT_DESCRIPTOR : "";
                if (passesValues) {
                    int slots = slotsOfEachKind();
                    pushArgumentsOneByOne(slots);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, entry, "(I" + receiver
                            + OBJECT_DESCRIPTOR.repeat(slots) + "J".repeat(slots) + ")Ljava/lang/Object;", false);
                } else {
                    super.visitVarInsn(Opcodes.ALOAD, argsSlot);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, entry,
                            "(I" + receiver + "[Ljava/lang/Object;)Ljava/lang/Object;", false);
                }
                super.visitVarInsn(Opcodes.ASTORE, tokenSlot);
                super.visitVarInsn(Opcodes.ALOAD, tokenSlot);
                super.visitTypeInsn(Opcodes.INSTANCEOF, HIT);
                super.visitJumpInsn(Opcodes.IFEQ, miss);
                super.visitVarInsn(Opcodes.ALOAD, tokenSlot);
                super.visitTypeInsn(Opcodes.CHECKCAST, HIT);
                super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HIT, "value", "()Ljava/lang/Object;", false);
                Boxing.unbox(mv, returnType);
                super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
                super.visitLabel(miss);
                frame(true, null);
                if (passesValues) {
                    pushArguments();
                    super.visitVarInsn(Opcodes.ASTORE, argsSlot);
                }
                super.visitLabel(bodyStart);
                if (advice == Advice.CACHE_BATCH) {
                    reloadBatchParameter();
                }
                super.visitInsn(Opcodes.NOP); // the method's own first frame, if any, needs an offset of its own
                break;
            case INVALIDATE_BEFORE:
                pushId();
                pushArguments();
                super.visitInsn(Opcodes.ACONST_NULL);
                invalidate();
                break;
            case INVALIDATE_AFTER:
                pushArguments(); // as they are on entry: the body may store anything in the parameters' slots
                super.visitVarInsn(Opcodes.ASTORE, argsSlot);
                break;
            default:
                break;
        }
    }

    @Override
    public void visitInsn(int opcode) {
        prologue();
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            beforeReturn(opcode);
        }
        super.visitInsn(opcode);
    }

    /**
     * With the return value (if any) on the stack: hands it to the runtime and leaves it there (a batch method: the
     * value the runtime returns in its place).
     */
    private void beforeReturn(int opcode) {
        if (advice == Advice.INVALIDATE_BEFORE) {
            return;
        }
        if (advice == Advice.CACHE_BATCH) {
            // r → id, token, args, r → the merged map, returned in place of r
            pushExitArgumentsBeneathTop();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitBatch",
                    "(ILjava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", false);
            super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
            return;
        }
        if (cached() && returnsFuture()) {
            // r → id, token, args, r → the future returned in place of r
            pushExitArgumentsBeneathTop();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitFuture",
                    "(ILjava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", false);
            super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
            return;
        }
        // stack: r → r, boxed(r)
        if (opcode == Opcodes.RETURN) {
            super.visitInsn(Opcodes.ACONST_NULL);
        } else {
            super.visitInsn(returnType.getSize() == 2 ? Opcodes.DUP2 : Opcodes.DUP);
            Boxing.box(mv, returnType);
        }
        if (cached()) {
            // r, boxed → r, id, token, args, boxed
            pushExitArgumentsBeneathTop();
            exitCached();
        } else {
            // r, boxed → r, id, args, boxed (the arguments made on entry)
            pushId();
            super.visitInsn(Opcodes.SWAP);
            super.visitVarInsn(Opcodes.ALOAD, argsSlot);
            super.visitInsn(Opcodes.SWAP);
            invalidate();
        }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        prologue();
        if (cached()) {
            super.visitLabel(bodyEnd);
            super.visitLabel(handler);
            frame(false, THROWABLE);
            // t → id, token, args, t → the value to return instead (exitThrown throws t when there is none)
            pushExitArgumentsBeneathTop();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitThrown",
                    "(ILjava/lang/Object;[Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Object;", false);
            Boxing.unbox(mv, returnType);
            super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
        }
        super.visitMaxs(maxStack, maxLocals);
    }

    /** Widens each of the method's frames with the slots of the advice, if it keeps any ({@link #ownSlots}). */
    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        prologue();
        if (ownSlots.length == 0) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("frames must be expanded (ClassReader.EXPAND_FRAMES)");
        }
        Object[] widened = widen(local, numLocal);
        super.visitFrame(type, widened.length, widened, numStack, stack);
    }

    /** {@code local} padded with TOP up to the original max locals, then the advice's own slots ({@link #ownSlots}). */
    private Object[] widen(Object[] local, int numLocal) {
        int slots = 0;
        for (int i = 0; i < numLocal; i++) {
            slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
        }
        int padding = originalMaxLocals - slots;
        Object[] widened = new Object[numLocal + padding + ownSlots.length];
        System.arraycopy(local, 0, widened, 0, numLocal);
        for (int i = 0; i < padding; i++) {
            widened[numLocal + i] = Opcodes.TOP;
        }
        System.arraycopy(ownSlots, 0, widened, numLocal + padding, ownSlots.length);
        return widened;
    }

    /**
     * The frame at the start of the body (the parameters, then our two slots) or at the handler (only our
     * two slots: the body may have stored anything in the others).
     */
    private void frame(boolean withParameters, String stackTop) {
        if (!frames) {
            return;
        }
        Object[] locals = new Object[parameters.length + 1];
        int n = 0;
        if (withParameters) {
            if (!isStatic) {
                locals[n++] = owner;
            }
            for (Type parameter : parameters) {
                locals[n++] = frameType(parameter);
            }
        }
        Object[] widened = widen(locals, n);
        super.visitFrame(Opcodes.F_NEW, widened.length, widened, stackTop == null ? 0 : 1,
                stackTop == null ? new Object[0] : new Object[] {stackTop});
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
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

    @Override
    public void visitLabel(Label label) {
        prologue();
        super.visitLabel(label);
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        prologue();
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        prologue();
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        prologue();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        prologue();
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
        prologue();
        super.visitFieldInsn(opcode, fieldOwner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
        prologue();
        super.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
            Object... arguments) {
        prologue();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        prologue();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        prologue();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        prologue();
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        prologue();
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        prologue();
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        prologue();
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    /** Whether the advice caches (it keeps the arguments array and the token in two slots of its own). */
    private boolean cached() {
        return advice == Advice.CACHE_RESULT || advice == Advice.CACHE_BATCH || advice == Advice.CACHE_RESULT_WITH_RECEIVER;
    }

    /** Stores the batch argument that the runtime left in the arguments array into the parameter's own slot. */
    private void reloadBatchParameter() {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < batchParameter; i++) {
            slot += parameters[i].getSize();
        }
        super.visitVarInsn(Opcodes.ALOAD, argsSlot);
        super.visitLdcInsn(batchParameter);
        super.visitInsn(Opcodes.AALOAD);
        super.visitTypeInsn(Opcodes.CHECKCAST, parameters[batchParameter].getInternalName());
        super.visitVarInsn(Opcodes.ASTORE, slot);
    }

    private void pushId() {
        super.visitLdcInsn(id);
    }

    /**
     * Pushes a new {@code Object[]} of the parameters, boxed, as their slots hold them now (only on entry: the body
     * may store anything in them, even a value of another type); for a method without
     * parameters, the shared empty array (the runtime never writes into an argument array).
     */
    private void pushArguments() {
        if (parameters.length == 0) {
            super.visitFieldInsn(Opcodes.GETSTATIC, DISPATCH, "NO_ARGUMENTS", "[Ljava/lang/Object;");
            return;
        }
        super.visitLdcInsn(parameters.length);
        super.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < parameters.length; i++) {
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(i);
            super.visitVarInsn(parameters[i].getOpcode(Opcodes.ILOAD), slot);
            Boxing.box(mv, parameters[i]);
            super.visitInsn(Opcodes.AASTORE);
            slot += parameters[i].getSize();
        }
    }

    /**
     * Whether the entry call passes the arguments one by one ({@link Dispatch#MAX_PASSED_ARGUMENTS}), so that a hit
     * allocates no array; a batch method's entry writes into its array, so it always gets one.
     */
    private boolean passesArgumentsOneByOne() {
        return advice != Advice.CACHE_BATCH && parameters.length <= Dispatch.MAX_PASSED_ARGUMENTS;
    }

    /**
     * How many slots of each kind the entry call passing the arguments one by one has: three for a method of up to
     * {@link Dispatch#SHORT_ENTRY_ARGUMENTS} parameters, the common case, whose call stays short; otherwise six.
     */
    private int slotsOfEachKind() {
        return parameters.length <= Dispatch.SHORT_ENTRY_ARGUMENTS ? Dispatch.SHORT_ENTRY_ARGUMENTS
                : Dispatch.MAX_PASSED_ARGUMENTS;
    }

    /**
     * Pushes the parameters as {@code Dispatch.enterCached(id, a0, a1, a2, n0, n1, n2)} takes them ({@code slots} of
     * each kind: three, or six up to {@code a5} and {@code n5}): in the object slots, boxed if primitive, except a
     * {@code long}, {@code int} or {@code double} ({@link UnboxedArgument}), which goes unboxed (a double as its raw
     * bits) in the {@code long} slot of its position; every other slot {@code null} or {@code 0}.
     */
    private void pushArgumentsOneByOne(int slots) {
        int slot = isStatic ? 0 : 1;
        for (Type parameter : parameters) {
            if (unboxed(parameter)) {
                super.visitInsn(Opcodes.ACONST_NULL);
            } else {
                super.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
                Boxing.box(mv, parameter);
            }
            slot += parameter.getSize();
        }
        for (int i = parameters.length; i < slots; i++) {
            super.visitInsn(Opcodes.ACONST_NULL);
        }
        slot = isStatic ? 0 : 1;
        for (Type parameter : parameters) {
            if (!unboxed(parameter)) {
                super.visitInsn(Opcodes.LCONST_0);
            } else if (parameter.getSort() == Type.LONG) {
                super.visitVarInsn(Opcodes.LLOAD, slot);
            } else if (parameter.getSort() == Type.DOUBLE) {
                super.visitVarInsn(Opcodes.DLOAD, slot);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
            } else {
                super.visitVarInsn(Opcodes.ILOAD, slot);
                super.visitInsn(Opcodes.I2L);
            }
            slot += parameter.getSize();
        }
        for (int i = parameters.length; i < slots; i++) {
            super.visitInsn(Opcodes.LCONST_0);
        }
    }

    private static boolean unboxed(Type parameter) {
        return UnboxedArgument.of(parameter.getClassName()) != null;
    }

    /** Whether the method returns {@code CompletableFuture} or {@code CompletionStage} (the runtime's future shape). */
    private boolean returnsFuture() {
        return returnType.getSort() == Type.OBJECT
                && (returnType.getInternalName().equals("java/util/concurrent/CompletableFuture")
                        || returnType.getInternalName().equals("java/util/concurrent/CompletionStage"));
    }

    /** {@code v → id, token, args, v}: the leading arguments of {@code exitCached} go beneath the value on top. */
    private void pushExitArgumentsBeneathTop() {
        pushId();
        super.visitInsn(Opcodes.SWAP);
        super.visitVarInsn(Opcodes.ALOAD, tokenSlot);
        super.visitInsn(Opcodes.SWAP);
        super.visitVarInsn(Opcodes.ALOAD, argsSlot);
        super.visitInsn(Opcodes.SWAP);
    }

    private void exitCached() {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exitCached",
                "(ILjava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;)V", false);
    }

    private void invalidate() {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "invalidate",
                "(I[Ljava/lang/Object;Ljava/lang/Object;)V", false);
    }
}
