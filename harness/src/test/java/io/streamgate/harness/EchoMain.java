package io.streamgate.harness;

/** Child-JVM main for tests: prints its arguments. */
public final class EchoMain {

    private EchoMain() {}

    public static void main(String[] args) {
        System.out.println("echo: " + String.join(" ", args));
    }
}
