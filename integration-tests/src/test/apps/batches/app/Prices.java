package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batch methods driven line by line from standard input: {@code <id> prices <list|set|array> <sku,sku…>} is
 * answered {@code <id> <sku>=<cents>,… calls=<kind>:<sku,…>;… singles=<n>}: the prices in the order returned, what
 * each batch body received during that request, and how often the single-element body ran so far;
 * {@code <id> price <sku>} calls the single-element method, {@code <id> reprice <sku,sku…>} evicts each SKU.
 * SKUs that start with {@code none} have no price.
 */
public class Prices {

    /** A value type of its own: L2 JSON is read back as the Map's value type. */
    public record Price(String sku, int cents) {
    }

    static final AtomicInteger SINGLES = new AtomicInteger();
    static final List<String> CALLS = new ArrayList<>();

    private static Price priceOf(String sku) {
        return sku.startsWith("none") ? null : new Price(sku, 100 * sku.length());
    }

    private static Map<String, Price> prices(String kind, Collection<String> skus) {
        CALLS.add(kind + ":" + String.join(",", skus));
        Map<String, Price> prices = new LinkedHashMap<>();
        for (String sku : skus) {
            Price price = priceOf(sku);
            if (price != null) {
                prices.put(sku, price);
            }
        }
        return prices;
    }

    @CacheResult(key = "price:{sku}", ttl = "10m")
    public Price price(String sku) {
        SINGLES.incrementAndGet();
        return priceOf(sku);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "10m")
    public Map<String, Price> listed(List<String> skus) {
        return prices("list", skus);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "10m")
    public Map<String, Price> unique(Set<String> skus) {
        return prices("set", skus);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "10m")
    public Map<String, Price> array(String[] skus) {
        return prices("array", Arrays.asList(skus));
    }

    @InvalidateCache(keys = "price:{skus[*]}", event = "prices.changed")
    public void reprice(List<String> skus) {
    }

    private Map<String, Price> batch(String kind, List<String> skus) {
        return switch (kind) {
            case "list" -> listed(skus);
            case "set" -> unique(new LinkedHashSet<>(skus));
            default -> array(skus.toArray(new String[0]));
        };
    }

    public static void main(String[] args) throws Exception {
        Prices prices = new Prices();
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            CALLS.clear();
            String result = switch (words[1]) {
                case "prices" -> {
                    StringJoiner found = new StringJoiner(",");
                    prices.batch(words[2], List.of(words[3].split(","))).forEach((sku, price) ->
                            found.add(sku + "=" + price.cents()));
                    yield found.toString();
                }
                case "price" -> String.valueOf(prices.price(words[2]));
                case "reprice" -> {
                    prices.reprice(List.of(words[2].split(",")));
                    yield "repriced";
                }
                default -> "unknown " + words[1];
            };
            System.out.println(words[0] + " " + result + " calls=" + String.join(";", CALLS) + " singles="
                    + SINGLES.get());
        }
    }
}
