package io.weft.agent.weaving;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.BatchMethod;
import io.weft.agent.cache.CachedMethod;
import io.weft.agent.cache.DeclaredMethod;
import io.weft.agent.cache.Invalidation;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.ReservedNames;
import io.weft.agent.cache.ResultShape;
import io.weft.agent.config.Durations;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.EventStreams;
import io.weft.agent.events.PayloadNames;
import io.weft.agent.keys.BatchTemplate;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.KeySpaces;
import io.weft.agent.keys.Signature;
import io.weft.agent.keys.Template;
import io.weft.agent.keys.TemplateBinder;
import io.weft.agent.log.WeftLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.jar.asm.Type;

/**
 * Turns one annotated method into registered runtime state and the advice that calls it, checking
 * everything SPEC §7 calls a configuration error. Nothing here runs per call.
 */
final class MethodPlanner {

    /** The advice to inline into one method and the id it passes to the runtime. */
    static final class Plan {
        final Advice advice;
        final int id;
        final String summary;
        /** For {@link Advice#CACHE_BATCH}, the position of the batch parameter; else -1. */
        final int batchParameter;

        Plan(Advice advice, int id, String summary) {
            this(advice, id, summary, -1);
        }

        Plan(Advice advice, int id, String summary, int batchParameter) {
            this.advice = advice;
            this.id = id;
            this.summary = summary;
            this.batchParameter = batchParameter;
        }
    }

    private final WeftConfig config;
    private final MethodTable table;
    private final CacheRegistry caches;
    private final LoaderScopes scopes;
    private final KeySpaces keySpaces = new KeySpaces();
    /**
     * The plans made so far, by loader (held weakly: they go with it) and {@code Class#method(descriptor)}: a class
     * woven again (retransformed) gets its methods' plans again, registering nothing more and keeping their ids.
     */
    private final Map<ClassLoader, Map<String, Plan>> planned = new WeakHashMap<>();

    MethodPlanner(WeftConfig config, MethodTable table, CacheRegistry caches, LoaderScopes scopes) {
        this.config = config;
        this.table = table;
        this.caches = caches;
        this.scopes = scopes;
    }

    Plan plan(AnnotatedClass type, AnnotatedMethod method, ClassLoader loader) throws ConfigurationError {
        String key = type.name() + "#" + method.name() + method.descriptor();
        synchronized (planned) {
            Plan before = planned.getOrDefault(loader, Map.of()).get(key);
            if (before != null) {
                return before;
            }
        }
        // planned unlocked: planning may load classes through the loader, whose lock another weaving thread may hold
        Plan plan = planAfresh(type, method, loader);
        synchronized (planned) {
            Map<String, Plan> plans = planned.get(loader);
            if (plans == null) {
                plans = new HashMap<>();
                planned.put(loader, plans);
            }
            Plan first = plans.putIfAbsent(key, plan);
            return first == null ? plan : first;
        }
    }

    private Plan planAfresh(AnnotatedClass type, AnnotatedMethod method, ClassLoader loader) throws ConfigurationError {
        String owner = type.name() + "#" + method.name();
        if (method.isAbstract() || method.isNative()) {
            throw new ConfigurationError(owner, (method.isAbstract() ? "abstract" : "native")
                    + " methods have no body to weave; annotate the implementing method instead");
        }
        Signature signature = new MethodSignature(type.name(), method, loader);
        DeclaredMethod declared = declared(type, method, signature);
        AnnotationValues cacheResult = method.cacheResult();
        AnnotationValues invalidateCache = method.invalidateCache();
        Invalidation invalidation = invalidateCache == null ? null
                : invalidation(declared, invalidateCache, signature);
        if (cacheResult == null) {
            int id = table.register(invalidation);
            Advice advice = invalidation.beforeInvocation() ? Advice.INVALIDATE_BEFORE : Advice.INVALIDATE_AFTER;
            return new Plan(advice, id, method.name() + " evicts");
        }
        Template template = parse(declared.owner(), cacheResult.string("key", ""));
        warnIfReserved(declared.owner(), template, "cached in L1 only");
        if (template.eachIndex() >= 0) {
            BatchTemplate key = BatchPlanner.bind(declared.owner(), method, template, cacheResult, signature);
            CachedMethod cached = cachedMethod(type, method, declared, cacheResult, template, key.element(),
                    BatchPlanner.valueType(method.returnType()), signature, invalidation, loader);
            keepVariableValuesInL1(cached, valueArgument(method.returnType(), 1));
            if (cached.refreshes() || cached.sliding() || cached.staleIfErrorMillis() > 0) {
                throw new ConfigurationError(declared.owner(), "a weft.cache." + cached.cache().name() + ".refreshAfter,"
                        + " .sliding or .staleIfError setting applies to batch method (key '" + template + "'), which"
                        + " does not support them");
            }
            int id = table.register(new BatchMethod(cached, key));
            return new Plan(Advice.CACHE_BATCH, id, summary(method, cached) + " (batch)", key.parameter().index());
        }
        if (method.returnType().erasure().equals("void")) {
            throw new ConfigurationError(declared.owner(), "@CacheResult on a void method: there is no result to cache");
        }
        checkNotAnotherStage(declared.owner(), method, loader);
        ResultShape shape = ResultShape.of(method.returnType().erasure());
        CachedMethod cached = cachedMethod(type, method, declared, cacheResult, template,
                bind(declared.owner(), template, signature, false), valueType(method.returnType(), shape), signature,
                invalidation, loader);
        keepVariableValuesInL1(cached, shape == ResultShape.PLAIN ? method.returnType()
                : valueArgument(method.returnType(), 0));
        int id = table.register(cached);
        Advice advice = cached.handsReceiver() ? Advice.CACHE_RESULT_WITH_RECEIVER : Advice.CACHE_RESULT;
        return new Plan(advice, id, summary(method, cached));
    }

    /**
     * SPEC §5 caches the completed value of a {@code CompletableFuture} or {@code CompletionStage}: a hit returns a new
     * completed one. A method declaring another {@code CompletionStage} type (a {@code CompletableFuture} subclass, an
     * interface extending {@code CompletionStage}) could not be given one of its type on a hit, and caching the future
     * object itself would hand one failed or unfinished future to every caller (and nothing usable to Redis).
     */
    private static void checkNotAnotherStage(String owner, AnnotatedMethod method, ClassLoader loader)
            throws ConfigurationError {
        String returned = method.returnType().erasure();
        if (ResultShape.of(returned) == ResultShape.PLAIN
                && StageTypes.isStage(loader, Type.getReturnType(method.descriptor()))) {
            throw new ConfigurationError(owner, "@CacheResult on a method returning " + returned + ", a CompletionStage"
                    + " other than CompletableFuture and CompletionStage themselves: Weft could not return an instance"
                    + " of " + returned + " on a hit; declare the method CompletableFuture<…> or CompletionStage<…> (its"
                    + " body may still return instances of " + returned + ")");
        }
    }

    private static String summary(AnnotatedMethod method, CachedMethod cached) {
        return method.name() + " -> " + cached.cache().name() + (cached.cache().enabled() ? "" : " (disabled)");
    }

    private static DeclaredMethod declared(AnnotatedClass type, AnnotatedMethod method, Signature signature) {
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < signature.parameterCount(); i++) {
            types.add(signature.parameterType(i));
            String name = signature.parameterName(i);
            names.add(name == null ? "arg" + i : name);
        }
        return new DeclaredMethod(type.name(), method.name(), types, names, signature.classLoader());
    }

    /**
     * @param key the renderer of the key of one entry (of a batch method: of one element)
     * @param valueType the type of one entry's value, for key-space checks
     */
    private CachedMethod cachedMethod(AnnotatedClass type, AnnotatedMethod method, DeclaredMethod declared,
            AnnotationValues annotation, Template template, KeyRenderer key, String valueType, Signature signature,
            Invalidation invalidation, ClassLoader loader) throws ConfigurationError {
        String owner = declared.owner();
        String name = annotation.string("name", "");
        if (name.isEmpty()) {
            name = defaultName(type, method, template);
        }
        caches.named(name);
        ResultShape shape = template.eachIndex() >= 0 ? ResultShape.BATCH
                : ResultShape.of(method.returnType().erasure());
        Duration ttl;
        Duration staleIfError;
        Duration refreshAfter;
        boolean sliding;
        boolean enabled;
        boolean usesL1;
        try {
            ttl = config.cacheTtl(name);
            if (ttl == null) {
                String annotated = annotation.string("ttl", "");
                ttl = annotated.isBlank() ? config.ttl() : Durations.parse(annotated);
            }
            staleIfError = optionalDuration(config.cacheStaleIfError(name), annotation, "staleIfError");
            refreshAfter = optionalDuration(config.cacheRefreshAfter(name), annotation, "refreshAfter");
            Boolean slidingSetting = config.cacheSliding(name);
            sliding = slidingSetting != null ? slidingSetting : annotation.bool("sliding", false);
            enabled = config.cacheEnabled(name);
            usesL1 = config.cacheUsesL1(name);
            keySpaces.claim(template, signature, valueType, owner, loader);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(owner, e.getMessage());
        }
        checkRefreshAfter(owner, refreshAfter, ttl, sliding, usesL1 && config.l1MaxSize() > 0);
        long l1TtlNanos = Math.min(ttl.toNanos(), config.l1Ttl().toNanos());
        NamedCache cache = caches.cache(name, enabled);
        return new CachedMethod(declared, cache, key, scopes.of(loader), ttl.toMillis(), l1TtlNanos,
                annotation.bool("cacheNull", false), usesL1, shape, invalidation,
                bindAll(owner, annotation.strings("tags"), signature, false), sliding, staleIfError.toMillis(),
                refreshAfter.toMillis());
    }

    /**
     * A duration attribute that is empty unless set ({@code staleIfError}, {@code refreshAfter}): the per-cache
     * setting if there is one, else the annotation's; {@link Duration#ZERO} when neither says.
     */
    private static Duration optionalDuration(Duration setting, AnnotationValues annotation, String attribute) {
        if (setting != null) {
            return setting;
        }
        String annotated = annotation.string(attribute, "");
        try {
            return annotated.isBlank() ? Duration.ZERO : Durations.parse(annotated);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(attribute + ": " + e.getMessage(), e);
        }
    }

    /**
     * SPEC §12: a reload must come before the entry expires, a sliding entry has no age to refresh after, and the
     * hits that start reloads are L1 hits.
     */
    private static void checkRefreshAfter(String owner, Duration refreshAfter, Duration ttl, boolean sliding,
            boolean usesL1) throws ConfigurationError {
        if (refreshAfter.isZero()) {
            return;
        }
        if (refreshAfter.compareTo(ttl) >= 0) {
            throw new ConfigurationError(owner, "refreshAfter (" + Durations.format(refreshAfter)
                    + ") must be shorter than the TTL (" + Durations.format(ttl) + ")");
        }
        if (sliding) {
            throw new ConfigurationError(owner, "refreshAfter and sliding together: a sliding entry's age is not"
                    + " known once a hit renewed it; choose one");
        }
        if (!usesL1) {
            throw new ConfigurationError(owner, "refreshAfter in a cache without L1 (weft.cache.<name>.l1=false or"
                    + " weft.l1.maxSize=0): reloads start from L1 hits");
        }
    }

    private Invalidation invalidation(DeclaredMethod declared, AnnotationValues annotation, Signature signature)
            throws ConfigurationError {
        String owner = declared.owner();
        boolean before = annotation.bool("beforeInvocation", false);
        List<KeyRenderer> keys = new ArrayList<>();
        for (String key : annotation.strings("keys")) {
            Template template = parse(owner, key);
            warnIfReserved(owner, template, "evicted from L1 only, not deleted there");
            keys.add(template.eachIndex() < 0 ? bind(owner, template, signature, !before)
                    : BatchPlanner.bindEach(owner, template, signature, !before));
        }
        List<KeyRenderer> prefixes = bindAll(owner, annotation.strings("prefixes"), signature, !before);
        List<KeyRenderer> tags = bindAll(owner, annotation.strings("tags"), signature, !before);
        String event = eventType(owner, annotation);
        if (keys.isEmpty() && prefixes.isEmpty() && tags.isEmpty()) {
            // SPEC §2 and §5: every attribute has a default, and the event still goes out, arguments and all
            WeftLog.warn(owner + ": @InvalidateCache names no keys, no prefixes and no tags; it evicts nothing and"
                    + " only publishes its " + event + " events");
        }
        List<String> payloadNames = declared.parameterNames();
        if (config.snakeCasePayloadNames()) {
            payloadNames = new ArrayList<>();
            for (String name : declared.parameterNames()) {
                payloadNames.add(PayloadNames.snakeCase(name));
            }
        }
        return new Invalidation(declared, keys, prefixes, tags, before, event, payloadNames);
    }

    /** {@code @InvalidateCache(event)}: an empty type would go out in events that every reader skips as malformed. */
    private static String eventType(String owner, AnnotationValues annotation) throws ConfigurationError {
        String event = annotation.string("event", EventStreams.CACHE_INVALIDATED);
        if (event.isBlank()) {
            throw new ConfigurationError(owner, "@InvalidateCache(event) is empty: no instance or service could read"
                    + " its events; name the event type, or leave event out for " + EventStreams.CACHE_INVALIDATED);
        }
        return event;
    }

    /**
     * SPEC §2: the literal text of the key before its first {@code {}, without a trailing ':'; a key that starts with
     * {@code {} gets Class.method. The first {@code {} may open a placeholder or an escaped brace ({@code {{}, SPEC §3):
     * a name ends before either, so {@code session:{{{userId}}}} (a Redis Cluster hash tag) is {@code session}, not
     * {@code session:{}. A {@code }}} before it is one literal brace.
     */
    static String defaultName(AnnotatedClass type, AnnotatedMethod method, Template template) {
        String key = template.source();
        int brace = key.indexOf('{');
        String prefix = (brace < 0 ? key : key.substring(0, brace)).replace("}}", "}");
        if (prefix.endsWith(":")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix.isEmpty() ? type.simpleName() + "." + method.name() : prefix;
    }

    /** Type argument {@code index} of a method's return type (the value of an Optional, a future, a batch's map). */
    private static GenericType valueArgument(GenericType returnType, int index) {
        return returnType.arguments().size() > index ? returnType.arguments().get(index) : null;
    }

    /**
     * Keeps the values of {@code cached} in L1 when their declared type {@code value} cannot tell the shared level what
     * to read them back as, warned about once, when woven: a type variable (a generic DAO's {@code T find(id)}: read
     * back they would be the variable's bound, and one key template serves every subclass, so the value there cannot
     * say which class it is), or {@code Object} itself (a legacy {@code Object lookup(id)}: JSON read as {@code Object}
     * is a {@code LinkedHashMap}, a {@code String}, an {@code Integer} …, never the class the caller casts to).
     */
    private static void keepVariableValuesInL1(CachedMethod cached, GenericType value) {
        String reason = value == null ? null
                : value.namesVariable() ? value.typeName() + " names a type variable, so the shared level could not"
                        + " read them back as the class a caller expects (a LinkedHashMap for an Object bound); to share"
                        + " them, cache an override in the subclass that fixes the type, which declares it"
                : value.erasure().equals(Object.class.getName()) ? "java.lang.Object names no class, so the shared"
                        + " level could not read them back as the class a caller expects (a LinkedHashMap for an"
                        + " object); to share them, declare the class the method returns"
                : null;
        if (reason != null) {
            cached.keepValuesInL1();
            WeftLog.warn("values of " + cached.declared().owner() + " are cached in L1 only: their declared type "
                    + reason);
        }
    }

    /** The type of the cached value, for key-space checks: the element of Optional/futures, primitives boxed. */
    private static String valueType(GenericType returnType, ResultShape shape) {
        if (shape != ResultShape.PLAIN) {
            List<GenericType> arguments = returnType.arguments();
            return arguments.isEmpty() ? Object.class.getName() : arguments.get(0).typeName();
        }
        return returnType.boxedTypeName();
    }

    /**
     * Warns when every key {@code template} renders is one of Weft's own Redis names ({@code events:{id}}): the
     * shared level never sees them, {@code what} happens instead. Not a configuration error: the method works.
     */
    private static void warnIfReserved(String owner, Template template, String what) {
        if (ReservedNames.everyKeyReserved(template.literals())) {
            WeftLog.warn(owner + ": the keys of template '" + template.source() + "' are Weft's own Redis names ("
                    + ReservedNames.LISTED + "); they are " + what + ". Choose another key");
        }
    }

    private static Template parse(String owner, String text) throws ConfigurationError {
        if (text.isBlank()) {
            throw new ConfigurationError(owner, "empty key template");
        }
        try {
            return Template.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(owner, e.getMessage());
        }
    }

    /** Parses and binds each of {@code templates} (keys, prefixes or tags), reporting the first that is wrong. */
    private static List<KeyRenderer> bindAll(String owner, String[] templates, Signature signature, boolean allowReturn)
            throws ConfigurationError {
        List<KeyRenderer> bound = new ArrayList<>(templates.length);
        for (String template : templates) {
            bound.add(bind(owner, parse(owner, template), signature, allowReturn));
        }
        return bound;
    }

    private static KeyRenderer bind(String owner, Template template, Signature signature, boolean allowReturn)
            throws ConfigurationError {
        try {
            return TemplateBinder.bind(template, signature, allowReturn);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(owner, e.getMessage());
        }
    }
}
