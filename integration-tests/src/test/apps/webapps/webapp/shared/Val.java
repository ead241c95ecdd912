package shared;

/** A value class that each web application defines for itself. */
public class Val {
    private final String text;

    public Val(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
