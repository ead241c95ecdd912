package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.List;

/** Methods of many shapes for {@link ClassWeaverTest}; each records that its body ran. */
public class WovenFixture {

    public static final List<String> RAN = new ArrayList<>();

    public String text(String a, long b, double c) {
        RAN.add("text");
        String joined = a + b;
        for (int i = 0; i < 2; i++) {
            joined += i;
        }
        return joined + c;
    }

    public static int number(int x) {
        RAN.add("number");
        return x * 2;
    }

    public long wide(long x, int y) {
        RAN.add("wide");
        long sum = x;
        for (int i = 0; i < y; i++) {
            sum += i;
        }
        return sum;
    }

    public double real(double d) {
        RAN.add("real");
        return d / 2;
    }

    public boolean flag(boolean b) {
        RAN.add("flag");
        return !b;
    }

    public String[] array(String s) {
        RAN.add("array");
        return new String[] {s, s};
    }

    public String earlyReturn(String s) {
        RAN.add("earlyReturn");
        if (s.isEmpty()) {
            return "empty";
        }
        switch (s.length()) {
            case 1:
                return "one";
            case 2:
                return "two";
            default:
                return "many";
        }
    }

    public String fails(String s) {
        RAN.add("fails");
        throw new IllegalStateException("body failed for " + s);
    }

    public String caught(String s) {
        try {
            RAN.add("caught");
            return s.toUpperCase();
        } catch (RuntimeException e) {
            return "the method's own handler ran: " + e;
        }
    }

    public synchronized String locked(String s) {
        synchronized (RAN) {
            RAN.add("locked");
            return s + "!";
        }
    }

    public void evictBefore(String s) {
        RAN.add("evictBefore");
        if (s.equals("fail")) {
            throw new IllegalArgumentException("write failed");
        }
    }

    public String evictAfter(String s, long n) {
        RAN.add("evictAfter");
        if (s.equals("fail")) {
            throw new IllegalArgumentException("write failed");
        }
        return s + n;
    }

    public void evictAfterVoid(String s) {
        if (s.isEmpty()) {
            return;
        }
        RAN.add("evictAfterVoid");
    }

    public long evictAfterWide(long n) {
        RAN.add("evictAfterWide");
        return n + 1;
    }
}
