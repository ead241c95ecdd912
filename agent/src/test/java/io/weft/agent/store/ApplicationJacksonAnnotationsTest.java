package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonIgnoreType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8: the application's Jackson annotations decide what its values' JSON holds, also under the agent, where Weft's
 * Jackson is relocated. These tests run unrelocated, so the mapper here has {@link ApplicationJacksonAnnotations} as
 * its only introspector (no {@code JacksonAnnotationIntrospector}): whatever the annotations do, it did by their
 * names. {@link LostFields} is on it too, and counts what they leave out as left out on purpose.
 */
class ApplicationJacksonAnnotationsTest {

    private final ObjectMapper mapper = JsonMapper.builder()
            .annotationIntrospector(new ApplicationJacksonAnnotations())
            .addModule(new SimpleModule().setSerializerModifier(new LostFields()))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A password hash kept out of the JSON, a renamed property, one the class ignores, one only read. */
    @JsonIgnoreProperties("internalNote")
    public static final class Account {
        private String login = "ada";
        private String passwordHash = "$2a$10$secret";
        private String displayName = "Ada";
        private String internalNote = "vip";
        private String resetToken = "token-1";

        public String getLogin() {
            return login;
        }

        public void setLogin(String login) {
            this.login = login;
        }

        @JsonIgnore
        public String getPasswordHash() {
            return passwordHash;
        }

        @JsonProperty("display_name")
        @JsonAlias("displayName")
        public String getDisplayName() {
            return displayName;
        }

        public void setDisplayName(String displayName) {
            this.displayName = displayName;
        }

        public String getInternalNote() {
            return internalNote;
        }

        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public String getResetToken() {
            return resetToken;
        }

        public void setResetToken(String resetToken) {
            this.resetToken = resetToken;
        }
    }

    /** An audit trail no JSON of the application carries. */
    @JsonIgnoreType
    public static final class Audit {
        public String getBy() {
            return "admin";
        }
    }

    /** A bean with a property of an ignored type. */
    public static final class Audited {
        public String getTitle() {
            return "Dune";
        }

        public Audit getAudit() {
            return new Audit();
        }
    }

    /** Immutable: read through its {@code @JsonCreator} constructor, whose parameters name the properties. */
    public static final class Point {
        private final int x;
        private final int y;

        @JsonCreator
        public Point(@JsonProperty("x") int x, @JsonProperty("y") int y) {
            this.x = x;
            this.y = y;
        }

        public int getX() {
            return x;
        }

        public int getY() {
            return y;
        }
    }

    /** Immutable: read through a {@code @JsonCreator} factory. */
    public static final class Range {
        private final int from;
        private final int to;

        private Range(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @JsonCreator
        public static Range of(@JsonProperty("from") int from, @JsonProperty("to") int to) {
            return new Range(from, to);
        }

        public int getFrom() {
            return from;
        }

        public int getTo() {
            return to;
        }
    }

    /** Written as its code alone ({@code @JsonValue}) and read back through a delegating creator. */
    public static final class Isbn {
        private final String code;

        private Isbn(String code) {
            this.code = code;
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Isbn parse(String code) {
            return new Isbn(code);
        }

        @JsonValue
        public String code() {
            return code;
        }
    }

    @Test
    void ignoredRenamedAndWriteOnlyPropertiesAreWrittenAsTheApplicationSays() throws Exception {
        assertEquals("{\"login\":\"ada\",\"display_name\":\"Ada\"}", mapper.writeValueAsString(new Account()),
                "no passwordHash (@JsonIgnore), internalNote (@JsonIgnoreProperties) nor resetToken (WRITE_ONLY)");
    }

    @Test
    void renamedAliasedAndWriteOnlyPropertiesAreRead() throws Exception {
        Account read = mapper.readValue("{\"login\":\"bob\",\"display_name\":\"Bob\",\"resetToken\":\"t2\"}",
                Account.class);
        assertEquals("bob|Bob|t2", read.getLogin() + "|" + read.getDisplayName() + "|" + read.getResetToken());
        assertEquals("Old", mapper.readValue("{\"displayName\":\"Old\"}", Account.class).getDisplayName(),
                "@JsonAlias");
    }

    @Test
    void aPropertyOfAnIgnoredTypeIsNotWritten() throws Exception {
        assertEquals("{\"title\":\"Dune\"}", mapper.writeValueAsString(new Audited()));
    }

    @Test
    void immutableClassesAreReadThroughTheirCreators() throws Exception {
        Point point = mapper.readValue(mapper.writeValueAsString(new Point(3, 4)), Point.class);
        assertEquals("3,4", point.getX() + "," + point.getY());
        Range range = mapper.readValue(mapper.writeValueAsString(Range.of(1, 9)), Range.class);
        assertEquals("1..9", range.getFrom() + ".." + range.getTo());
    }

    @Test
    void aJsonValueIsWrittenAloneAndReadThroughADelegatingCreator() throws Exception {
        String json = mapper.writeValueAsString(Isbn.parse("978-0441013593"));
        assertEquals("\"978-0441013593\"", json);
        assertEquals("978-0441013593", mapper.readValue(json, Isbn.class).code());
    }
}
