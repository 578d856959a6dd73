package dev.shardraft.raft.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The effect interpreter is plain Java, so that the simulation can run it: no Pekko, no Kafka, no
 * actor shell, no clock (time comes from its host).
 */
class DriverPurityTest {
  private static final JavaClasses DRIVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.shardraft.raft.driver");

  @Test
  void driverDependsOnNeitherPekkoNorKafkaNorTheShell() {
    noClasses()
        .that()
        .resideInAPackage("dev.shardraft.raft.driver..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..",
            "org.apache.kafka..",
            "scala..",
            "dev.shardraft.raft.memory..",
            "dev.shardraft.raft.actor..")
        .check(DRIVER);
  }

  @Test
  void driverReadsNoClock() {
    noClasses()
        .that()
        .resideInAPackage("dev.shardraft.raft.driver..")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .check(DRIVER);
  }
}
