package app;

import io.weft.annotations.CacheResult;
import java.util.List;

/** SPEC §3's rendering rules and §2's TTL forms and cache names. */
public class Keys {

    public record Owner(String name, boolean active) {
    }

    /** A JavaBean: {@code getName()} and {@code isActive()}. */
    public static class Bean {
        private final String name;
        private final boolean active;

        public Bean(String name, boolean active) {
            this.name = name;
            this.active = active;
        }

        public String getName() {
            return name;
        }

        public boolean isActive() {
            return active;
        }
    }

    /** Fields only. */
    public static class Plain {
        public String name;

        public Plain(String name) {
            this.name = name;
        }
    }

    @CacheResult(key = "lit:str:{s}")
    public String str(String s) {
        return "v";
    }

    @CacheResult(key = "lit:list:{xs}")
    public String list(List<String> xs) {
        return "v";
    }

    @CacheResult(key = "lit:arr:{xs}")
    public String arr(int[] xs) {
        return "v";
    }

    @CacheResult(key = "lit:num:{n}:{b}:{d}")
    public String num(long n, boolean b, double d) {
        return "v";
    }

    @CacheResult(key = "lit:braces:{{x}}:{id}")
    public String braces(int id) {
        return "v";
    }

    @CacheResult(key = "lit:record:{owner.name}:{owner.active}")
    public String record(Owner owner) {
        return "v";
    }

    @CacheResult(key = "lit:bean:{bean.name}:{bean.active}")
    public String bean(Bean bean) {
        return "v";
    }

    @CacheResult(key = "lit:field:{plain.name}")
    public String field(Plain plain) {
        return "v";
    }

    @CacheResult(key = "lit:pos:{0}:{1}")
    public String positional(String a, int b) {
        return "v";
    }

    @CacheResult(key = "lit:ttl300:{id}", ttl = "300")
    public String ttl300(int id) {
        return "v";
    }

    @CacheResult(key = "lit:ttl300s:{id}", ttl = "300s")
    public String ttl300s(int id) {
        return "v";
    }

    @CacheResult(key = "lit:ttl5m:{id}", ttl = "5m")
    public String ttl5m(int id) {
        return "v";
    }

    @CacheResult(key = "lit:ttl1h:{id}", ttl = "1h")
    public String ttl1h(int id) {
        return "v";
    }

    @CacheResult(key = "lit:ttl1d:{id}", ttl = "1d")
    public String ttl1d(int id) {
        return "v";
    }

    @CacheResult(key = "lit:ttlPT5M:{id}", ttl = "PT5M")
    public String ttlIso(int id) {
        return "v";
    }

    @CacheResult(key = "lit:ttldefault:{id}")
    public String ttlDefault(int id) {
        return "v";
    }
}
