package dev.shardraft.raft.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core (and its applier) import neither Pekko nor Kafka, and read no clock or global random.
 */
class CorePurityTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.shardraft.raft.core");

  @Test
  void coreDependsOnNeitherPekkoNorKafka() {
    noClasses()
        .that()
        .resideInAPackage("dev.shardraft.raft.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..",
            "org.apache.kafka..",
            "scala..",
            "dev.shardraft.raft.memory..",
            "dev.shardraft.raft.actor..")
        .check(CORE);
  }

  @Test
  void coreReadsNoClockAndNoGlobalRandomness() {
    noClasses()
        .that()
        .resideInAPackage("dev.shardraft.raft.core..")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.Random")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Instant")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .check(CORE);
  }
}
