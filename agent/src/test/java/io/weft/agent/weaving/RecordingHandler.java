package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Handler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/** A {@link Handler} that records each call as text and answers entry with a function of the method id. */
final class RecordingHandler implements Handler {

    final List<String> calls = new ArrayList<>();
    IntFunction<Object> onEnter = id -> "token";
    /** Thrown by every call when set. */
    RuntimeException failure;
    /** Thrown by {@link #exitCached} when set. */
    RuntimeException exitFailure;

    @Override
    public Object enterCached(int methodId, Object[] args) {
        calls.add("enter " + methodId + " " + Arrays.deepToString(args));
        fail();
        return onEnter.apply(methodId);
    }

    @Override
    public void exitCached(int methodId, Object token, Object[] args, Object result, Throwable thrown) {
        calls.add("exit " + methodId + " " + token + " " + Arrays.deepToString(args) + " "
                + (result instanceof Object[] ? Arrays.toString((Object[]) result) : result) + " " + thrown);
        fail();
        if (exitFailure != null) {
            throw exitFailure;
        }
    }

    @Override
    public void invalidate(int methodId, Object[] args, Object result) {
        calls.add("invalidate " + methodId + " " + Arrays.deepToString(args) + " " + result);
        fail();
    }

    private void fail() {
        if (failure != null) {
            throw failure;
        }
    }
}
