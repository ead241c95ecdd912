package app;

import io.weft.annotations.CacheResult;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Every configuration error of SPEC §7 next to one correct method; the application must keep working. */
public class Broken {

    /** An interface method has no body: annotating it is an error. */
    public interface Repository {
        @CacheResult(key = "ce:abstract:{id}")
        String find(String id);
    }

    static final ConcurrentHashMap<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    static String ran(String method, String value) {
        RUNS.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        return value;
    }

    @CacheResult(key = "ce:unknown:{nope}")
    public String unknownParameter(String id) {
        return ran("unknownParameter", id);
    }

    @CacheResult(key = "ce:void:{id}")
    public void voidMethod(String id) {
        ran("voidMethod", id);
    }

    @CacheResult(key = "ce:ttl:{id}", ttl = "5 minutes")
    public String badTtl(String id) {
        return ran("badTtl", id);
    }

    @CacheResult(key = "ce:brace:{id")
    public String badTemplate(String id) {
        return ran("badTemplate", id);
    }

    @CacheResult(key = "ce:return:{return}")
    public String returnInKey(String id) {
        return ran("returnInKey", id);
    }

    @CacheResult(key = "ce:path:{id.nope}")
    public String badPath(String id) {
        return ran("badPath", id);
    }

    @CacheResult(key = "ce:space:{id}")
    public String spaceText(String id) {
        return ran("spaceText", id);
    }

    @CacheResult(key = "ce:space:{n}")
    public Integer spaceNumber(int n) {
        ran("spaceNumber", "");
        return n;
    }

    /** A long renders '-' and digits, never "all": the two key spaces are apart, and both methods are cached. */
    @CacheResult(key = "ce:product:{id}")
    public String product(long id) {
        return ran("product", "p" + id);
    }

    @CacheResult(key = "ce:product:all")
    public java.util.List<String> allProducts() {
        return java.util.List.of(ran("allProducts", "p7"));
    }

    /** A Long may be null, which renders "null": the key of boxedNull is one of boxed's keys. */
    @CacheResult(key = "ce:boxed:{id}")
    public String boxed(Long id) {
        return ran("boxed", "b" + id);
    }

    @CacheResult(key = "ce:boxed:null")
    public java.util.List<String> boxedNull() {
        return java.util.List.of(ran("boxedNull", "none"));
    }

    @CacheResult(key = "ce:tag:{id}", tags = "owner:{return}")
    public String returnInTag(String id) {
        return ran("returnInTag", id);
    }

    @CacheResult(key = "ce:each:{id[*]}")
    public java.util.Map<String, String> eachOnAString(String id) {
        return java.util.Map.of(id, ran("eachOnAString", id));
    }

    @CacheResult(key = "ce:each:{a[*]}:{b[*]}")
    public java.util.Map<String, String> twoEach(java.util.List<String> a, java.util.List<String> b) {
        return java.util.Map.of("x", ran("twoEach", ""));
    }

    @CacheResult(key = "ce:each:{ids[*]}")
    public java.util.List<String> eachNotAMap(java.util.List<String> ids) {
        return java.util.List.of(ran("eachNotAMap", ""));
    }

    @CacheResult(key = "ce:refresh:{id}", ttl = "2s", refreshAfter = "2s")
    public String refreshNotShorter(String id) {
        return ran("refreshNotShorter", id);
    }

    @CacheResult(key = "ce:negative:{id}", refreshAfter = "-1s")
    public String refreshNegative(String id) {
        return ran("refreshNegative", id);
    }

    @CacheResult(key = "ce:sliding:{id}", refreshAfter = "1m", sliding = true)
    public String refreshSliding(String id) {
        return ran("refreshSliding", id);
    }

    /** Its cache's {@code weft.cache.ce:override.refreshAfter} setting is not a duration (the test sets it). */
    @CacheResult(key = "ce:override:{id}")
    public String refreshSetting(String id) {
        return ran("refreshSetting", id);
    }

    /** Its cache skips L1 ({@code weft.cache.ce:nol1.l1=false}, the test sets it): no hit would start a reload. */
    @CacheResult(key = "ce:nol1:{id}", refreshAfter = "1m")
    public String refreshWithoutL1(String id) {
        return ran("refreshWithoutL1", id);
    }

    @CacheResult(key = "ce:fine:{id}")
    public String fine(String id) {
        return ran("fine", id);
    }

    public static void main(String[] args) throws java.io.IOException {
        Broken b = new Broken();
        Repository repository = id -> "found " + id;
        for (int i = 0; i < 2; i++) {
            b.unknownParameter("x");
            b.voidMethod("x");
            b.badTtl("x");
            b.badTemplate("x");
            b.returnInKey("x");
            b.badPath("x");
            b.returnInTag("x");
            b.spaceText("7");
            b.spaceNumber(7);
            b.product(7);
            b.allProducts();
            b.boxed(7L);
            b.boxedNull();
            b.eachOnAString("x");
            b.twoEach(java.util.List.of("x"), java.util.List.of("y"));
            b.eachNotAMap(java.util.List.of("x"));
            b.refreshNotShorter("x");
            b.refreshNegative("x");
            b.refreshSliding("x");
            b.refreshSetting("x");
            b.refreshWithoutL1("x");
            b.fine("x");
            repository.find("x");
        }
        RUNS.forEach((method, runs) -> System.out.println("CHECK " + method + ".runs=" + runs));
        System.out.println("DONE");
        if (args.length > 0 && args[0].equals("hold")) {
            System.in.read(); // keeps the JVM (and the agent's /metrics) alive until the test closes it
        }
    }
}
