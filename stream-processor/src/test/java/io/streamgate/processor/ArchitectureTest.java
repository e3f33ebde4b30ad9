package io.streamgate.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor's layering: the pipeline file's model at the bottom, pure view planning above it,
 * the Redis sink above that, the runner (and the command line) on top. Arrows only point down.
 *
 * <p>The classes are imported from the directory {@link ProcessorMain} was loaded from, not
 * found by package through a class loader: Spark tests that ran earlier in the same JVM leave a
 * context class loader behind through which the package lookup found nothing, and every rule
 * then failed as "checked no classes" (or, worse, could pass on nothing).
 */
class ArchitectureTest {
  private static final String ROOT = "io.streamgate.processor";
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() throws URISyntaxException {
    Path main = Path.of(ProcessorMain.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPath(main);
    assertTrue(classes.size() > 50, "imported only " + classes.size() + " classes from " + main);
  }

  @Test
  void viewsAreIndependentOfSinkAndRunner() {
    noClasses().that().resideInAPackage(ROOT + ".view..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".sink..", ROOT + ".runner..")
        .because("view planning is pure: sinks and the runner use it, never the other way round")
        .check(classes);
  }

  @Test
  void thePipelineModelImportsNoOtherLayer() {
    noClasses().that().resideInAPackage(ROOT + ".pipeline..")
        .should().dependOnClassesThat().resideInAnyPackage(
            ROOT + ".view..", ROOT + ".sink..", ROOT + ".runner..")
        .because("the pipeline file's model is the bottom layer")
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }
}
