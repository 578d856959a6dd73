package dev.shardraft.sample.demo;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.local.LocalKafka;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's main class. Uses the Kafka named by {@value BootstrapServers#PROPERTY} or
 * {@value BootstrapServers#ENVIRONMENT}; when neither is set, starts a one-node LocalKafka
 * and removes it afterwards. Prints what it did and exits 0; any failure ends it with the
 * exception (non-zero exit).
 */
public final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    private static final int ORDERS = 10;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Optional<String> configured = BootstrapServers.configured(System.getProperties(), System.getenv());
        LocalKafka localKafka = null;
        try {
            String bootstrapServers;
            if (configured.isPresent()) {
                bootstrapServers = configured.get();
                System.out.println("Using the Kafka at " + bootstrapServers);
            } else {
                System.out.println("No " + BootstrapServers.PROPERTY + " / " + BootstrapServers.ENVIRONMENT
                        + " set: starting a local one-node Kafka ...");
                localKafka = LocalKafka.start(1);
                bootstrapServers = localKafka.bootstrapServers();
                System.out.println("Local Kafka " + bootstrapServers + " ready in "
                        + localKafka.startupTime().toMillis() + " ms");
            }
            ActorSystem system = ActorSystem.create("shardraft-demo",
                    ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
            try {
                DemoReport report = new DemoRun(system, bootstrapServers, ORDERS).run();
                report.lines().forEach(System.out::println);
            } finally {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            if (localKafka != null) {
                localKafka.close();
                LOG.info("Local Kafka stopped and removed");
            }
        }
        System.out.println("Done in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
}
