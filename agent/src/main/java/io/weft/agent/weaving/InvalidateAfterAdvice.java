package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Dispatch;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Inlined into {@code @InvalidateCache} methods: evicts after a successful return (not after an exception). */
final class InvalidateAfterAdvice {

    private InvalidateAfterAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@MethodId int id, @Advice.AllArguments Object[] args,
            @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result) {
        Dispatch.invalidate(id, args, result);
    }
}
