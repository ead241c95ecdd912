package io.weft.agent.cache;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.bootstrap.Handler;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import java.util.function.Supplier;

/** A call of a cached method as woven code makes it, for tests that drive a {@link CacheRuntime} without weaving. */
final class WovenCall {

    /** The entry points woven code calls, the static {@link Dispatch}, seen as a handler. */
    static final Handler DISPATCH = new Handler() {
        @Override
        public Token enterCached(int methodId, Object[] args) {
            return (Token) Dispatch.enterCached(methodId, args);
        }

        @Override
        public Token enterCached(int methodId, Object a0, Object a1, Object a2, long n0, long n1, long n2) {
            return (Token) Dispatch.enterCached(methodId, a0, a1, a2, n0, n1, n2);
        }

        @Override
        public Token enterCached(int methodId, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0,
                long n1, long n2, long n3, long n4, long n5) {
            return (Token) Dispatch.enterCached(methodId, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
        }

        @Override
        public Token enterWithReceiver(int methodId, Object receiver, Object[] args) {
            return (Token) Dispatch.enterWithReceiver(methodId, receiver, args);
        }

        @Override
        public Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, long n0, long n1,
                long n2) {
            return (Token) Dispatch.enterWithReceiver(methodId, receiver, a0, a1, a2, n0, n1, n2);
        }

        @Override
        public Token enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, Object a3,
                Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
            return (Token) Dispatch.enterWithReceiver(methodId, receiver, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4,
                    n5);
        }

        @Override
        public void exitCached(int methodId, Token token, Object[] args, Object result) {
            Dispatch.exitCached(methodId, token, args, result);
        }

        @Override
        public Hit exitThrown(int methodId, Token token, Object[] args, Throwable thrown) {
            try {
                return new Hit(Dispatch.exitThrown(methodId, token, args, thrown));
            } catch (Throwable rethrown) {
                return null;
            }
        }

        @Override
        public void invalidate(int methodId, Object[] args, Object result) {
            Dispatch.invalidate(methodId, args, result);
        }
    };

    private WovenCall() {
    }

    /** The value of a hit, or {@code body} after "running" the method (a miss stores it). */
    static Object call(Handler runtime, int methodId, String arg, Object body) {
        return call(runtime, methodId, arg, () -> body);
    }

    /** The value of a hit, or else what {@code body} returns, asked only then, as the method's body would run. */
    static Object call(Handler runtime, int methodId, String arg, Supplier<?> body) {
        Token token = runtime.enterCached(methodId, arg, null, null, 0, 0, 0); // as a woven method of a String enters
        if (token instanceof Hit) {
            return ((Hit) token).value();
        }
        Object[] args = {arg};
        Object value = body.get();
        runtime.exitCached(methodId, token, args, value);
        return value;
    }
}
