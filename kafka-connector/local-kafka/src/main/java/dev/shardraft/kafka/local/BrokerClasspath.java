package dev.shardraft.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.maven.model.interpolation.ModelInterpolator;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classpath of a Kafka broker JVM: {@code org.apache.kafka:kafka_2.13}, {@code kafka-tools}
 * (without the {@code connect-*} artifacts) and the log4j2 SLF4J binding, with their runtime
 * dependencies, resolved by Maven Resolver into the local Maven repository (downloaded once, then
 * read from there).
 *
 * <p>The versions come from the build ({@code kafka.broker.version} in the parent pom). The remote
 * repository is Maven Central as Maven itself defines it, unless the system property {@code
 * maven.repo.central} (Maven's own) or the environment variable {@code SHARDRAFT_MAVEN_CENTRAL_URL}
 * names a mirror. The local repository is {@code maven.repo.local} if set, else {@code
 * ~/.m2/repository}.
 */
public final class BrokerClasspath {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerClasspath.class);
  private static final String VERSIONS_RESOURCE = "broker.properties";
  private static final Map<String, List<Path>> CACHE = new ConcurrentHashMap<>();

  private BrokerClasspath() {}

  /** The broker version this build was made for ({@code kafka.broker.version}). */
  public static String buildBrokerVersion() {
    return versions().getProperty("kafka.broker.version");
  }

  /** The jars of the broker of {@link #buildBrokerVersion()}, resolved once per JVM. */
  public static List<Path> forBuildVersion() {
    return resolve(buildBrokerVersion(), versions().getProperty("log4j.version"));
  }

  /**
   * The jars of the given Kafka broker version with the given log4j2 version, resolved once per JVM
   * and version pair.
   *
   * @throws LocalKafkaException if they cannot be resolved (for example: offline and not in the
   *     local repository)
   */
  public static List<Path> resolve(String kafkaVersion, String log4jVersion) {
    return CACHE.computeIfAbsent(
        kafkaVersion + "/" + log4jVersion, key -> doResolve(kafkaVersion, log4jVersion));
  }

  private static List<Path> doResolve(String kafkaVersion, String log4jVersion) {
    long started = System.nanoTime();
    // kafka-tools pulls in Kafka Connect (connect-runtime, and with it Jetty and Jersey), which a
    // broker does not need. Maven Resolver matches exclusions by whole names or "*", not by
    // prefix, so the artifact is named exactly.
    List<Exclusion> noConnect =
        List.of(new Exclusion("org.apache.kafka", "connect-runtime", "*", "*"));
    CollectRequest collect = new CollectRequest();
    collect.setDependencies(
        List.of(
            new Dependency(
                new DefaultArtifact("org.apache.kafka:kafka_2.13:" + kafkaVersion),
                JavaScopes.RUNTIME,
                false,
                noConnect),
            new Dependency(
                new DefaultArtifact("org.apache.kafka:kafka-tools:" + kafkaVersion),
                JavaScopes.RUNTIME,
                false,
                noConnect),
            new Dependency(
                new DefaultArtifact("org.apache.logging.log4j:log4j-slf4j-impl:" + log4jVersion),
                JavaScopes.RUNTIME),
            new Dependency(
                new DefaultArtifact("org.apache.logging.log4j:log4j-core:" + log4jVersion),
                JavaScopes.RUNTIME)));
    collect.setRepositories(
        List.of(new RemoteRepository.Builder("central", "default", centralUrl()).build()));
    DependencyRequest request =
        new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
    RepositorySystem system = new RepositorySystemSupplier().get();
    try (RepositorySystemSession.CloseableSession session =
        new SessionBuilderSupplier(system)
            .get()
            .withLocalRepositoryBaseDirectories(localRepository())
            .build()) {
      List<Path> jars = new ArrayList<>();
      for (ArtifactResult result :
          system.resolveDependencies(session, request).getArtifactResults()) {
        jars.add(result.getArtifact().getPath());
      }
      LOG.info(
          "Resolved the Kafka {} broker classpath ({} jars) in {} ms",
          kafkaVersion,
          jars.size(),
          (System.nanoTime() - started) / 1_000_000);
      return List.copyOf(jars);
    } catch (DependencyResolutionException e) {
      throw new LocalKafkaException(
          "Cannot resolve the Kafka "
              + kafkaVersion
              + " broker classpath from "
              + centralUrl()
              + " into "
              + localRepository(),
          e);
    } finally {
      system.shutdown();
    }
  }

  static Path localRepository() {
    String configured = System.getProperty("maven.repo.local");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  static String centralUrl() {
    String configured =
        System.getProperty(
            ModelInterpolator.MAVEN_REPO_CENTRAL_KEY, System.getenv("SHARDRAFT_MAVEN_CENTRAL_URL"));
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    return ModelInterpolator.DEFAULT_MAVEN_REPO_CENTRAL_URL;
  }

  private static Properties versions() {
    Properties versions = new Properties();
    try (InputStream in = BrokerClasspath.class.getResourceAsStream(VERSIONS_RESOURCE)) {
      if (in == null) {
        throw new LocalKafkaException(
            "Missing resource "
                + VERSIONS_RESOURCE
                + " next to "
                + BrokerClasspath.class.getName()
                + " (written by the kafka-connector build)");
      }
      versions.load(in);
      return versions;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + VERSIONS_RESOURCE, e);
    }
  }
}
