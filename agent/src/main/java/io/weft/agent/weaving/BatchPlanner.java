package io.weft.agent.weaving;

import io.weft.agent.keys.BatchTemplate;
import io.weft.agent.keys.Signature;
import io.weft.agent.keys.Template;
import java.util.Set;

/**
 * Checks and binds batch methods (SPEC §13): a {@code @CacheResult} key with a {@code [*]} placeholder over a
 * collection or array parameter, on a method returning {@code Map<element, value>}; and {@code [*]} keys of
 * {@code @InvalidateCache}. Whatever does not fit is a configuration error.
 */
final class BatchPlanner {

    /** The declared map types the merged {@code LinkedHashMap} can be returned as. */
    private static final Set<String> MAPS = Set.of("java.util.Map", "java.util.HashMap", "java.util.LinkedHashMap");
    /** Duration attributes of {@code @CacheResult} that batch methods do not support (yet). */
    private static final String[] UNSUPPORTED = {"staleIfError", "refreshAfter"};

    private BatchPlanner() {
    }

    /** Binds the key of a batch {@code @CacheResult} method, checking the method's return type and attributes. */
    static BatchTemplate bind(String owner, AnnotatedMethod method, Template template, AnnotationValues annotation,
            Signature signature) throws ConfigurationError {
        String returned = method.returnType().erasure();
        if (!MAPS.contains(returned)) {
            throw new ConfigurationError(owner, "key '" + template + "' caches each element of a collection, so the"
                    + " method must return a Map (Map, HashMap or LinkedHashMap) keyed by element; it returns " + returned);
        }
        if (annotation.strings("tags").length > 0) {
            throw unsupported(owner, "tags", template);
        }
        if (annotation.bool("sliding", false)) {
            throw unsupported(owner, "sliding", template);
        }
        for (String attribute : UNSUPPORTED) {
            if (!annotation.string(attribute, "").isBlank()) {
                throw unsupported(owner, attribute, template);
            }
        }
        return bindEach(owner, template, signature, false);
    }

    private static ConfigurationError unsupported(String owner, String attribute, Template template) {
        return new ConfigurationError(owner, "@CacheResult(" + attribute + ") is not supported on batch methods (key '"
                + template + "')");
    }

    /** Binds a template with a {@code [*]} placeholder ({@code @CacheResult(key)} or {@code @InvalidateCache(keys)}). */
    static BatchTemplate bindEach(String owner, Template template, Signature signature, boolean allowReturn)
            throws ConfigurationError {
        try {
            return BatchTemplate.bind(template, signature, allowReturn);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(owner, e.getMessage());
        }
    }

    /** The declared type of each element's value, for key-space checks: {@code V} of {@code Map<E, V>}. */
    static String valueType(GenericType returned) {
        return returned.arguments().size() == 2 ? returned.arguments().get(1).typeName() : Object.class.getName();
    }
}
