package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Dispatch;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code @InvalidateCache(beforeInvocation = true)} methods: evicts on entry. */
final class InvalidateBeforeAdvice {

    private InvalidateBeforeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@MethodId int id, @Advice.AllArguments Object[] args) {
        Dispatch.invalidate(id, args, null);
    }
}
