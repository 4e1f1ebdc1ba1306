# Fresh machine with Java 17 and Maven: `make demo` runs the whole system locally, `make test` runs every test.
MVN ?= mvn -B
JAR := target/bqexport.jar
TEST_CP_FILE := target/test-classpath.txt
ARGS ?=

.PHONY: build test run demo bench crds image clean mutation

build:
	$(MVN) -DskipTests package

test:
	$(MVN) test

# The operator against the current kubeconfig, without leader election. Install the CRDs first: kubectl apply -f crds/
run: build
	java -jar $(JAR) operator --leader-election=false $(ARGS)

# Stand-ins live in src/test, so the demo runs from the test classpath.
$(TEST_CP_FILE): pom.xml
	$(MVN) -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(TEST_CP_FILE)

# ARGS reaches the demo as written, $ included (a JSONPath '$.blob', a key '$identify'): make passes its raw
# value in the environment, and xargs splits it into arguments at its quotes without expanding anything.
demo: export DEMO_ARGS = $(value ARGS)
demo:
	$(MVN) -q -DskipTests test-compile
	@$(MAKE) --no-print-directory $(TEST_CP_FILE)
	printf '%s' "$$DEMO_ARGS" | xargs java -cp target/test-classes:target/classes:$$(cat $(TEST_CP_FILE)) \
	  io.bqexport.testing.demo.Demo

# Regenerates the CRDs from the api.v1alpha1 classes into crds/ and the chart: the crd-generator, then
# CrdPostProcessing (printer column order, list-type maps), both in process-classes.
crds:
	$(MVN) -q -DskipTests process-classes
	cp target/classes/META-INF/fabric8/bigqueryexports.bqexport.io-v1.yml crds/
	cp target/classes/META-INF/fabric8/bigquerybackfills.bqexport.io-v1.yml crds/
	cp crds/*.yml helm/bqexport-operator/crds/

# The image as a tar (target/bqexport-image.tar) with Jib, without a Docker daemon; then `docker load -i` it, or
# push it with `crane push target/bqexport-image.tar REGISTRY/bqexport:TAG`. Jib pulls the base image from Docker
# Hub, so this needs access to it.
image:
	$(MVN) -DskipTests package jib:buildTar

bench: build
	$(MVN) -q -DskipTests test-compile
	@$(MAKE) --no-print-directory $(TEST_CP_FILE)
	bash bench/run.sh

clean:
	$(MVN) -q clean

# PIT mutation testing per package against the tests that cover it (bench/mutation.sh); prints the score per
# package and the surviving mutants. Not part of `make test`. MUTATION_THREADS (default 3) sets PIT's threads per stream.
mutation:
	bash bench/mutation.sh
