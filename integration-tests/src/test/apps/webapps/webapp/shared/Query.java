package shared;

/** An argument whose property names the key ({@code {query.id}}). */
public record Query(String id) {
}
