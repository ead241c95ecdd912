package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.bootstrap.Hit;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined around {@code @CacheResult} methods: a {@link Hit} from entry skips the body and becomes
 * the return value; otherwise the body runs and its outcome is handed back to the runtime.
 */
final class CacheResultAdvice {

    private CacheResultAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Hit.class, suppress = Throwable.class)
    static Object enter(@MethodId int id, @Advice.AllArguments Object[] args) {
        return Dispatch.enterCached(id, args);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@MethodId int id, @Advice.Enter Object token, @Advice.AllArguments Object[] args,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
            @Advice.Thrown Throwable thrown) {
        if (token instanceof Hit) {
            result = ((Hit) token).value();
        } else if (token != null) {
            Dispatch.exitCached(id, token, args, result, thrown);
        }
    }
}
