package io.streamgate.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's layering (gateway/README.md, "Package map"): the assembly (this package and
 * {@code server}) on top, the features below it, the toolkit they share at the bottom. Main
 * code only: tests may reach into any package.
 */
class ArchitectureTest {
  private static final String ROOT = "io.streamgate.gateway";
  private static final String[] ASSEMBLY = {ROOT, ROOT + ".server.."};
  private static final String[] FEATURES = {ROOT + ".rest..", ROOT + ".push..",
      ROOT + ".ingest..", ROOT + ".admin..", ROOT + ".graphql..", ROOT + ".warmup.."};
  private static final String[] TOOLKIT = {ROOT + ".http..", ROOT + ".auth..", ROOT + ".limit..",
      ROOT + ".breaker..", ROOT + ".store..", ROOT + ".cache..", ROOT + ".catalog..",
      ROOT + ".metrics..", ROOT + ".config..", ROOT + ".freshness..", ROOT + ".usage.."};

  private static JavaClasses gateway;

  @BeforeAll
  static void importClasses() {
    gateway = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void topLevelPackagesHaveNoCycles() {
    // One slice per top-level package; its internal/ counts as part of it.
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(gateway);
  }

  @Test
  void theHttpToolkitImportsNoFeatureNorTheAssembly() {
    noClasses().that().resideInAPackage(ROOT + ".http..")
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .orShould().dependOnClassesThat().resideInAnyPackage(ASSEMBLY)
        .check(gateway);
  }

  @Test
  void theToolkitImportsNoFeatureNorTheAssembly() {
    noClasses().that().resideInAnyPackage(TOOLKIT)
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .orShould().dependOnClassesThat().resideInAnyPackage(ASSEMBLY)
        .check(gateway);
  }

  @Test
  void onlyTheAssemblyImportsTheAssembly() {
    noClasses().that().resideInAnyPackage(FEATURES)
        .should().dependOnClassesThat().resideInAnyPackage(ASSEMBLY)
        .check(gateway);
  }

  @Test
  void internalPackagesAreOnlyUsedFromTheirOwnParent() {
    Set<String> parents = new TreeSet<>();
    for (JavaClass c : gateway) {
      int internal = c.getPackageName().indexOf(".internal");
      if (internal > 0) {
        parents.add(c.getPackageName().substring(0, internal));
      }
    }
    assertFalse(parents.isEmpty(), "no internal packages found: is the import right?");
    for (String parent : parents) {
      classes().that().resideInAPackage(parent + ".internal..")
          .should().onlyHaveDependentClassesThat().resideInAPackage(parent + "..")
          .check(gateway);
    }
  }

  @Test
  void theGatewayItselfImportsNoInternalPackage() {
    noClasses().that().resideInAPackage(ROOT)
        .should().dependOnClassesThat().resideInAPackage("..internal..")
        .check(gateway);
    assertTrue(gateway.contain(ROOT + ".Gateway"));
  }
}
