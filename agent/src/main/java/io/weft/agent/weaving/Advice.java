package io.weft.agent.weaving;

import net.bytebuddy.jar.asm.MethodVisitor;

/** The calls woven into a method, one constant per annotation shape. */
enum Advice {

    /** {@code @CacheResult}, with or without {@code @InvalidateCache}: the runtime may answer instead of the body. */
    CACHE_RESULT {
        @Override
        MethodWeaver weaver(MethodVisitor delegate, WovenMethod method) {
            return new CacheResultWeaver(delegate, method);
        }
    },
    /** {@code @InvalidateCache(beforeInvocation = true)}: evicts on entry. */
    INVALIDATE_BEFORE {
        @Override
        MethodWeaver weaver(MethodVisitor delegate, WovenMethod method) {
            return new InvalidateBeforeWeaver(delegate, method);
        }
    },
    /** {@code @InvalidateCache}: evicts after a successful return (not after an exception). */
    INVALIDATE_AFTER {
        @Override
        MethodWeaver weaver(MethodVisitor delegate, WovenMethod method) {
            return new InvalidateAfterWeaver(delegate, method);
        }
    };

    /** Wraps the writer of {@code method}'s code. */
    abstract MethodWeaver weaver(MethodVisitor delegate, WovenMethod method);
}
