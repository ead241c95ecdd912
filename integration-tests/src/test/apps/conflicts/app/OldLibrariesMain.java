package app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.weft.annotations.CacheResult;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ByteBuddy;

/** An application that carries its own, older Jackson, Caffeine and Byte Buddy next to the agent. */
public class OldLibrariesMain {

    static final AtomicInteger RUNS = new AtomicInteger();

    @CacheResult(key = "conflicts:config:{name}")
    public Map<String, Object> config(String name) throws Exception {
        RUNS.incrementAndGet();
        return new ObjectMapper().readValue("{\"name\":\"" + name + "\",\"size\":3}", Map.class);
    }

    private static String jarOf(Class<?> type) {
        String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public static void main(String[] args) throws Exception {
        Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10).build();
        cache.put("k", "v");
        System.out.println("CHECK app.caffeine=" + jarOf(Caffeine.class) + ":" + cache.getIfPresent("k"));
        System.out.println("CHECK app.jackson=" + jarOf(ObjectMapper.class) + ":"
                + new ObjectMapper().writeValueAsString(Map.of("a", 1)));
        Class<?> made = new ByteBuddy().subclass(Object.class).name("app.Generated").make()
                .load(OldLibrariesMain.class.getClassLoader()).getLoaded();
        System.out.println("CHECK app.bytebuddy=" + jarOf(ByteBuddy.class) + ":" + made.getName());
        OldLibrariesMain app = new OldLibrariesMain();
        System.out.println("CHECK config=" + app.config("x") + "," + app.config("x"));
        System.out.println("CHECK runs=" + RUNS.get());
        System.out.println("DONE");
    }
}
