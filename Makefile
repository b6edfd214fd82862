# The real-kernel fault lab (lab/README.md): build the VM's root, run the four scenarios,
# check `harvester-iac observe` and `incident` against what the kernel and etcd wrote.
PY ?= .venv/bin/python
RUNS ?= build/lab/runs
SCENARIOS ?= stall-short stall-long target-restart none

.PHONY: lab lab-root lab-fixtures
lab: lab-root
	@for s in $(SCENARIOS); do echo "lab: running $$s" >&2; $(PY) -m lab.vm $$s $(RUNS)/$$s || exit 1; done
	$(PY) -m lab.check $(addprefix $(RUNS)/,$(SCENARIOS))
	$(PY) -m lab.incident $(addprefix $(RUNS)/,$(SCENARIOS))

lab-root:
	$(PY) -m lab.rootfs

# copy the last runs into examples/lab/ as fixtures (with their labels)
lab-fixtures:
	$(PY) -m lab.fixtures $(RUNS) examples/lab
