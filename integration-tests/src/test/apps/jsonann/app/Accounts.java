package app;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.weft.annotations.CacheResult;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached methods whose values carry the application's own Jackson annotations. */
public class Accounts {

    /** A bean that keeps its password hash out of its JSON and names a property otherwise than its getter. */
    public static final class Account {
        private String login;
        private String displayName;
        private String passwordHash;

        public Account() {
        }

        Account(String login, String displayName, String passwordHash) {
            this.login = login;
            this.displayName = displayName;
            this.passwordHash = passwordHash;
        }

        public String getLogin() {
            return login;
        }

        public void setLogin(String login) {
            this.login = login;
        }

        @JsonProperty("display_name")
        public String getDisplayName() {
            return displayName;
        }

        public void setDisplayName(String displayName) {
            this.displayName = displayName;
        }

        @JsonIgnore
        public String getPasswordHash() {
            return passwordHash;
        }

        @Override
        public String toString() {
            return "Account(" + login + ", " + displayName + ", " + passwordHash + ")";
        }
    }

    /**
     * Immutable, read through its {@code @JsonCreator}: compiled without parameter names ({@code -g:none}), so only the
     * {@code @JsonProperty} names bind its parameters.
     */
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

        @Override
        public String toString() {
            return "Point(" + x + ", " + y + ")";
        }
    }

    static final AtomicInteger RUNS = new AtomicInteger();

    @CacheResult(key = "jsonann:account:{0}")
    public Account account(String login) {
        RUNS.incrementAndGet();
        return new Account(login, "Ada Lovelace", "$2a$10$hash-of-" + login);
    }

    @CacheResult(key = "jsonann:point:{0}")
    public Point point(String id) {
        RUNS.incrementAndGet();
        return new Point(3, 4);
    }
}
