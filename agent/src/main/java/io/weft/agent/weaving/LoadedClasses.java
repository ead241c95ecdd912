package io.weft.agent.weaving;

import io.weft.agent.log.WeftLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Weaves the classes a JVM had loaded before the agent was attached: those that use a Weft annotation are
 * retransformed (the transformer keeps their shape, so this is allowed) in batches; a batch that fails is
 * retried class by class, each failure reported and the rest carried on.
 */
public final class LoadedClasses {

    static final int BATCH = 50;

    private LoadedClasses() {
    }

    /** What a retransformation did. */
    public static final class Result {
        /** Loaded classes that use a Weft annotation. */
        public final int candidates;
        /** Of those, the classes that could not be retransformed (reported one by one). */
        public final int failed;
        public final long millis;

        Result(int candidates, int failed, long millis) {
            this.candidates = candidates;
            this.failed = failed;
            this.millis = millis;
        }
    }

    /**
     * Retransforms those of {@code loaded} (the classes loaded before the transformer was added) that use a
     * Weft annotation and that {@code filter} would weave.
     */
    public static Result weave(Instrumentation instrumentation, CandidateFilter filter, Class<?>[] loaded) {
        long start = System.nanoTime();
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> type : loaded) {
            try {
                if (isCandidate(instrumentation, filter, type)) {
                    candidates.add(type);
                }
            } catch (Throwable t) {
                WeftLog.debug("skipped loaded class " + type.getName() + ": " + t);
            }
        }
        int failed = 0;
        for (int from = 0; from < candidates.size(); from += BATCH) {
            List<Class<?>> batch = candidates.subList(from, Math.min(from + BATCH, candidates.size()));
            try {
                instrumentation.retransformClasses(batch.toArray(new Class<?>[0]));
            } catch (Throwable t) {
                WeftLog.warn("retransforming " + batch.size() + " loaded classes failed (" + t + "); retrying them one by one");
                for (Class<?> type : batch) {
                    try {
                        instrumentation.retransformClasses(type);
                    } catch (Throwable e) {
                        failed++;
                        WeftLog.warn("could not weave the loaded class " + type.getName() + "; it runs uncached: " + e);
                    }
                }
            }
        }
        return new Result(candidates.size(), failed, (System.nanoTime() - start) / 1_000_000);
    }

    static boolean isCandidate(Instrumentation instrumentation, CandidateFilter filter, Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || type.isArray() || type.isPrimitive() || type.getName().indexOf('/') >= 0
                || !filter.acceptsName(type.getName().replace('.', '/')) || !instrumentation.isModifiableClass(type)) {
            return false;
        }
        byte[] bytes = classFile(loader, type.getName());
        return bytes != null ? CandidateFilter.refersToWeftAnnotations(bytes) : declaresAnnotatedMethod(type);
    }

    /** The class file as its loader would find it, without loading or linking anything; null when not found. */
    private static byte[] classFile(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** For classes without a class file to read (generated, or hidden by their loader): reflection. */
    private static boolean declaresAnnotatedMethod(Class<?> type) {
        try {
            for (Method method : type.getDeclaredMethods()) {
                for (Annotation annotation : method.getDeclaredAnnotations()) {
                    if (annotation.annotationType().getName().startsWith(CandidateFilter.ANNOTATIONS_PACKAGE)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
