package app;

/**
 * Calls each method of {@link Accounts} twice, prints what came back and how often the methods ran, then with the
 * argument {@code hold} holds the JVM (and its L1) until standard input ends.
 */
public class AccountsMain {

    public static void main(String[] args) throws Exception {
        Accounts accounts = new Accounts();
        System.out.println("CHECK account=" + accounts.account("ada") + "|" + accounts.account("ada"));
        System.out.println("CHECK point=" + accounts.point("1") + "|" + accounts.point("1"));
        System.out.println("CHECK runs=" + Accounts.RUNS.get());
        System.out.println("DONE");
        if (args.length > 0 && args[0].equals("hold")) {
            System.in.read();
        }
    }
}
