package dev.shardraft.kafka.local;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Main class of every broker JVM that LocalKafka starts: it halts the broker as soon as the JVM
 * that launched it is gone (even one killed with SIGKILL, whose shutdown hooks never ran), then
 * hands over to the real main class.
 *
 * <p>Usage: {@code ParentWatchingMain <parent-pid> <main-class> [args...]}. This class is copied
 * alone onto the broker classpath, so it must use nothing but the JDK.
 */
public final class ParentWatchingMain {

  private ParentWatchingMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException(
          "usage: ParentWatchingMain <parent-pid> <main-class> [args...]");
    }
    long parentPid = Long.parseLong(args[0]);
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
    if (parent.isEmpty()) {
      Runtime.getRuntime().halt(3);
    }
    parent.get().onExit().thenRun(() -> Runtime.getRuntime().halt(3));
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
