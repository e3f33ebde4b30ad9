package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.RedisCluster;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.runner.OrderEvents.Order;
import io.streamgate.processor.sink.RedisConnections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * The demo pipeline writing into a Redis Cluster of three redis-server primaries: rows land on
 * every node (each command routed by its key's slot, scripts loaded per node on NOSCRIPT), and
 * Redis equals the aggregates computed from the produced events.
 */
class ProcessorClusterIT {
  private static final String NS = "cl";
  private static final Keyspace KEYS = new Keyspace(NS);
  private static final Duration SETTLE = Duration.ofSeconds(90);

  @TempDir static Path tmp;
  private static KafkaBroker kafka;
  private static RedisCluster cluster;

  @BeforeAll
  static void services() {
    kafka = KafkaBroker.shared();
    cluster = RedisCluster.start(3);
  }

  @AfterAll
  static void stop() {
    RedisConnections.closeAll();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theDemoViewsAreServedFromEveryNodeOfTheCluster() throws Exception {
    String topic = "orders_" + UUID.randomUUID().toString().substring(0, 8);
    TestKafka.createTopic(kafka, topic, 2);
    Path demo = Path.of(System.getProperty("streamgate.root", "..")).resolve("deploy/local/pipeline.yaml");
    Path pipeline = Files.writeString(tmp.resolve("pipeline.yaml"),
        DemoPipeline.microBatch(Files.readString(demo)).replace("topic: orders", "topic: " + topic));
    List<String> seeds = cluster.nodes().stream().map(RedisServer::uri).toList();
    ProcessorSettings settings = new ProcessorSettings(pipeline, kafka.bootstrapServers(),
        RedisConnections.clusterTarget(seeds), NS, tmp.resolve("checkpoints").toString(), "local[2]",
        Map.of(), -1);
    OrderEvents events = new OrderEvents();
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    cluster.nodes().forEach(n -> nodes.add(new HostAndPort(n.host(), n.port())));

    try (JedisCluster redis = new JedisCluster(nodes);
        KafkaProducer<String, String> producer = TestKafka.producer(kafka, Map.of());
        PipelineRunner runner = PipelineRunner.start(settings)) {
      List<Order> orders = events.wave("c", 60, 40, 20);
      for (Order o : orders) {
        producer.send(new ProducerRecord<>(topic, o.orderId(), o.json()));
      }
      producer.flush();

      long deadline = System.nanoTime() + SETTLE.toNanos();
      String problem;
      while ((problem = DemoViews.mismatch(redis, KEYS, events)) != null) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Redis Cluster did not settle within " + SETTLE.toSeconds()
              + " s: " + problem);
        }
        Thread.sleep(50);
      }

      for (RedisServer node : cluster.nodes()) {
        try (Jedis jedis = new Jedis(node.host(), node.port())) {
          assertTrue(jedis.dbSize() > 10, "rows on every primary, " + node + " has " + jedis.dbSize());
        }
      }
      assertEquals(Set.of("order_status", "product_revenue", "user_totals"),
          redis.hgetAll(KEYS.catalog()).keySet());
      assertTrue(redis.hgetAll(KEYS.streams()).containsKey("orders"), "the source is registered");
    }
  }

}
