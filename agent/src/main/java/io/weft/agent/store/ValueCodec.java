package io.weft.agent.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cached values as JSON (SPEC §5, §8). Values are read back as the method's declared generic return
 * type ({@code List<Book>}, records, maps, nested generics; the caller unwraps {@code Optional} and
 * futures); type information is never taken from the data: no default typing, and class names in
 * the data are refused even where a class asks for them with {@code @JsonTypeInfo}. Dates and times
 * are ISO-8601 strings that keep their offset and zone. Unknown properties are ignored, so a class
 * that gained or lost a field still reads old values. A {@code Set} is read in the order it was written. A class without a default constructor is read through its
 * all-arguments constructor, its parameters named from the class file ({@link ConstructorParameterNames}); a Kotlin
 * property {@code isX} keeps its name ({@link KotlinIsProperties}). The application's own Jackson annotations
 * ({@code @JsonIgnore}, {@code @JsonProperty}, {@code @JsonCreator} …) apply although Weft's Jackson is relocated
 * ({@link ApplicationJacksonAnnotations}). A bean whose JSON would not carry all its fields
 * (a field without a getter) is not written at all, since it would be read back without them ({@link LostFields}).
 */
public final class ValueCodec {

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .addModule(new SimpleModule()
                    // a Set is read in the order it was written (Jackson's default, a HashSet, loses it)
                    .addAbstractTypeMapping(Set.class, LinkedHashSet.class)
                    // a bean whose JSON would lose fields is not written at all
                    .setSerializerModifier(new LostFields()))
            .annotationIntrospector(AnnotationIntrospector.pair(new JacksonAnnotationIntrospector(),
                    AnnotationIntrospector.pair(new ApplicationJacksonAnnotations(),
                            AnnotationIntrospector.pair(new ConstructorParameterNames(), new KotlinIsProperties()))))
            .polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final int maxBytes;
    private final int compressMinBytes;

    /**
     * @param maxBytes the largest JSON stored; larger values are {@link UnstorableValueException.Reason#TOO_LARGE}
     * @param compressMinBytes JSON at least this large is gzip-compressed ({@code weft.redis.compress.minBytes});
     *     0: never
     */
    public ValueCodec(int maxBytes, int compressMinBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maximum value size must be positive: " + maxBytes);
        }
        if (compressMinBytes < 0) {
            throw new IllegalArgumentException("compression threshold must not be negative: " + compressMinBytes);
        }
        this.maxBytes = maxBytes;
        this.compressMinBytes = compressMinBytes;
    }

    /** Bytes that compression saved on a value {@link #encode} returned: 0 for one stored as plain JSON. */
    public static long bytesSaved(byte[] stored) {
        return Gzip.isCompressed(stored) ? Gzip.inflatedSize(stored) - stored.length : 0;
    }

    /**
     * The JSON of {@code value} (written by its runtime class). Writing stops as soon as the bound is
     * passed, so an oversized value costs little more than the bound.
     *
     * @throws UnstorableValueException when it cannot be written (or would lose fields) or is larger than the bound
     */
    public byte[] encode(Object value) {
        BoundedBuffer out = new BoundedBuffer(maxBytes);
        try {
            mapper.writeValue(out, value);
            byte[] json = out.toByteArray();
            return compressMinBytes > 0 && json.length >= compressMinBytes ? Gzip.compress(json) : json;
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TooLarge) {
                    throw new UnstorableValueException(UnstorableValueException.Reason.TOO_LARGE,
                            "a " + value.getClass().getName() + " is larger than " + maxBytes + " bytes as JSON", null);
                }
                if (t instanceof LostFields.Refused) {
                    throw new UnstorableValueException(UnstorableValueException.Reason.UNSERIALIZABLE, t.getMessage(),
                            null);
                }
            }
            throw new UnstorableValueException(UnstorableValueException.Reason.UNSERIALIZABLE,
                    "cannot write a " + (value == null ? "null" : value.getClass().getName()) + " as JSON: "
                            + whyUnwritable(e), null);
        }
    }

    /**
     * Reads a stored value as {@code type}: JSON, or gzip-compressed JSON (told apart by the gzip magic bytes,
     * which no JSON text starts with), whatever this codec's own compression setting.
     *
     * @throws UnreadableValueException when the JSON does not fit {@code type}
     */
    public Object decode(byte[] stored, Type type) {
        JavaType target = mapper.getTypeFactory().constructType(type);
        try {
            byte[] json = Gzip.isCompressed(stored) ? Gzip.decompress(stored, DECOMPRESSED_LIMIT * (long) maxBytes)
                    : stored;
            return mapper.readValue(json, target);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableValueException("cannot read a stored value as " + target.toCanonical() + ": "
                    + withoutData(e), e);
        }
    }

    /**
     * What went wrong, without the failure's message: Jackson's quote the data ({@code from String "123-45-6789"},
     * the source around the error), and cached values must not reach the logs. The class of the failure, and
     * {@linkplain #where where} in the JSON.
     */
    static String withoutData(Exception e) {
        return e.getClass().getSimpleName() + where(e);
    }

    /**
     * Why a value cannot be written, without its data: the class of what its code threw (a getter's message may
     * quote the value), or Jackson's own account of the type, which names classes (its message without the chain of
     * references, whose map keys are data); and {@linkplain #where where} in the value.
     */
    static String whyUnwritable(Exception e) {
        Throwable cause = e.getCause();
        if (e instanceof JsonMappingException && cause != null && !(cause instanceof JsonProcessingException)) {
            return cause.getClass().getName() + " thrown" + where(e);
        }
        if (e instanceof JsonProcessingException) {
            return ((JsonProcessingException) e).getOriginalMessage() + where(e);
        }
        return e.getClass().getName();
    }

    /** The longest path {@link #where} writes: a cycle's runs to a thousand steps. */
    private static final int PATH_STEPS = 12;

    /**
     * Where in the JSON a failure happened: the path of properties and indexes (a map's keys are data too:
     * {@code […]}; the first {@value #PATH_STEPS} steps), or line and column; empty when Jackson does not say.
     */
    private static String where(Exception e) {
        StringBuilder sb = new StringBuilder();
        if (e instanceof JsonMappingException && !((JsonMappingException) e).getPath().isEmpty()) {
            List<JsonMappingException.Reference> path = ((JsonMappingException) e).getPath();
            sb.append(" at $");
            for (JsonMappingException.Reference step : path.subList(0, Math.min(path.size(), PATH_STEPS))) {
                if (step.getIndex() >= 0) {
                    sb.append('[').append(step.getIndex()).append(']');
                } else if (step.getFrom() instanceof Map) {
                    sb.append("[…]");
                } else {
                    sb.append('.').append(step.getFieldName());
                }
            }
            if (path.size() > PATH_STEPS) {
                sb.append("…");
            }
        } else if (e instanceof JsonProcessingException && ((JsonProcessingException) e).getLocation() != null) {
            JsonLocation at = ((JsonProcessingException) e).getLocation();
            sb.append(" at line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
        }
        return sb.toString();
    }

    /** Compressed values that inflate past this many times {@code maxBytes} are refused (a gzip bomb). */
    private static final int DECOMPRESSED_LIMIT = 16;

    /** The bound given at construction. */
    public int maxBytes() {
        return maxBytes;
    }

    /** Signals that the JSON passed the bound. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("value larger than the bound");
        }
    }

    /** A byte buffer that refuses to grow past a bound. */
    private static final class BoundedBuffer extends OutputStream {
        private final ByteArrayOutputStream bytes;
        private final int max;

        BoundedBuffer(int max) {
            this.bytes = new ByteArrayOutputStream(Math.min(max, 256));
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            bytes.write(b, off, len);
        }

        private void check(int more) throws TooLarge {
            if (bytes.size() + more > max) {
                throw new TooLarge();
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
