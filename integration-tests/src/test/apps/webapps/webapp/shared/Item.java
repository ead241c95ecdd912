package shared;

/** A value that each web application defines for itself and that goes to Redis as JSON. */
public record Item(String text) {
}
