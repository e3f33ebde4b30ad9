package io.streamgate.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The processor's layering: the pipeline file's model at the bottom, pure view planning above it,
 * the Redis sink above that, the runner (and the command line) on top. Arrows only point down.
 */
@AnalyzeClasses(packages = "io.streamgate.processor",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {
  private static final String ROOT = "io.streamgate.processor";

  @ArchTest
  static final ArchRule viewsAreIndependentOfSinkAndRunner = noClasses()
      .that().resideInAPackage(ROOT + ".view..")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".sink..", ROOT + ".runner..")
      .because("view planning is pure: sinks and the runner use it, never the other way round");

  @ArchTest
  static final ArchRule thePipelineModelImportsNoOtherLayer = noClasses()
      .that().resideInAPackage(ROOT + ".pipeline..")
      .should().dependOnClassesThat().resideInAnyPackage(
          ROOT + ".view..", ROOT + ".sink..", ROOT + ".runner..")
      .because("the pipeline file's model is the bottom layer");

  @ArchTest
  static final ArchRule noPackageCycles = slices()
      .matching(ROOT + ".(*)..")
      .should().beFreeOfCycles();
}
