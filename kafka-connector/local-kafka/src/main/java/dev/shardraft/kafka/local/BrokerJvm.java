package dev.shardraft.kafka.local;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a broker JVM is launched: the java executable of the running JVM, the JVM options, and the
 * broker classpath (broker jars plus the directory holding {@link ParentWatchingMain}).
 */
record BrokerJvm(Path javaExecutable, List<String> jvmOptions, List<Path> classpath) {

  BrokerJvm {
    jvmOptions = List.copyOf(jvmOptions);
    classpath = List.copyOf(classpath);
  }

  static BrokerJvm current(List<String> jvmOptions, List<Path> classpath) {
    return new BrokerJvm(
        Path.of(System.getProperty("java.home"), "bin", "java"), jvmOptions, classpath);
  }

  /**
   * The command that runs {@code mainClass} with {@code args}, halting when this JVM exits.
   *
   * @param shortLived a tool that exits by itself: compile with C1 only, it starts faster
   */
  List<String> command(String mainClass, Path log4jConfig, boolean shortLived, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable.toString());
    command.addAll(jvmOptions);
    if (shortLived) {
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
    command.add(ParentWatchingMain.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
