# Fresh machine with Java 17 and Maven: `make demo` runs the whole system locally, `make test` runs every test.
MVN ?= mvn -B
JAR := target/bqexport.jar
TEST_CP_FILE := target/test-classpath.txt
ARGS ?=

.PHONY: build test run demo bench crds clean

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

# Regenerates the CRDs from the api.v1alpha1 classes into crds/ and the chart.
crds:
	$(MVN) -q -DskipTests compile
	cp target/classes/META-INF/fabric8/bigqueryexports.bqexport.io-v1.yml crds/
	cp target/classes/META-INF/fabric8/bigquerybackfills.bqexport.io-v1.yml crds/
	cp crds/*.yml helm/bqexport-operator/crds/

bench: build
	$(MVN) -q -DskipTests test-compile
	@$(MAKE) --no-print-directory $(TEST_CP_FILE)
	bash bench/run.sh

clean:
	$(MVN) -q clean
