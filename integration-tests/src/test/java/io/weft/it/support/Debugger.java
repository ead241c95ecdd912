package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A debugger attached over JDWP to an application JVM started with {@link AppJvm.Builder#debuggable()}, to stop
 * one of its threads at a chosen point for a while (as a slow machine or a long pause would) and let it go again:
 * nothing else in the JVM stops. Closing it detaches, which resumes whatever it still held.
 */
public final class Debugger implements AutoCloseable {

    /** What the JDWP agent prints on standard output once it listens (the port follows). */
    private static final String LISTENING = "Listening for transport dt_socket at address: ";

    private final VirtualMachine vm;

    private Debugger(VirtualMachine vm) {
        this.vm = vm;
    }

    /** Attaches to {@code app}, which was started {@link AppJvm.Builder#debuggable() debuggable}. */
    public static Debugger attach(AppJvm app) throws Exception {
        String listening = app.awaitStdout(line -> line.startsWith(LISTENING), Duration.ofSeconds(30));
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> arguments = socket.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(listening.substring(LISTENING.length()).trim());
        arguments.get("timeout").setValue("10000");
        return new Debugger(socket.attach(arguments));
    }

    /**
     * Sets a breakpoint at the start of {@code method} (the one of that name) of the loaded class {@code className}:
     * the first thread that gets there stops ({@link Breakpoint#awaitStopped}) until the breakpoint is closed.
     */
    public Breakpoint breakpoint(String className, String method) {
        List<ReferenceType> classes = vm.classesByName(className);
        assertEquals(1, classes.size(), "classes named " + className + " loaded in the JVM");
        List<Method> methods = classes.get(0).methodsByName(method);
        assertEquals(1, methods.size(), "methods " + method + " of " + className);
        BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(methods.get(0).location());
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.addCountFilter(1);
        request.enable();
        return new Breakpoint(request, className + "#" + method);
    }

    /** A breakpoint that stops one thread. */
    public final class Breakpoint implements AutoCloseable {
        private final BreakpointRequest request;
        private final String where;
        private EventSet stopped;

        private Breakpoint(BreakpointRequest request, String where) {
            this.request = request;
            this.where = where;
        }

        /** Waits until a thread has stopped at the breakpoint (it stays there); fails after {@code timeout}. */
        public void awaitStopped(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (stopped == null) {
                long left = deadline - System.nanoTime();
                EventSet events = left > 0 ? vm.eventQueue().remove(Math.max(1, left / 1_000_000)) : null;
                if (events == null) {
                    fail("no thread stopped at " + where + " within " + timeout);
                }
                for (Event event : events) {
                    if (event instanceof BreakpointEvent && event.request().equals(request)) {
                        stopped = events;
                    }
                }
                if (stopped == null) {
                    events.resume();
                }
            }
        }

        /** Removes the breakpoint and lets the thread that stopped there (if one did) go on. */
        @Override
        public void close() {
            vm.eventRequestManager().deleteEventRequest(request);
            if (stopped != null) {
                stopped.resume();
            }
        }
    }

    @Override
    public void close() {
        vm.dispose();
    }
}
