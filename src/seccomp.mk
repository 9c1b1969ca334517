# src/seccomp.mk: the seccomp module's build steps, included by GNUmakefile.
# It embeds conf/seccomp/default.policy as a C string (with sed, so no xxd)
# and builds t/lib/sysprobe, the helper the seccomp tests run in a sandbox.
#
# GNUmakefile links $(EXTRA_OBJS) into nestbox, makes `check` depend on
# $(CHECK_DEPS), and may remove $(CLEAN_FILES) in `clean`.

# A rule here must not become make's default goal.
nb_seccomp_goal := $(.DEFAULT_GOAL)

EXTRA_OBJS  += build/default-policy.o build/default-bpf.o
CHECK_DEPS  += t/lib/sysprobe
CLEAN_FILES += build/default-policy.c build/default-policy.o t/lib/sysprobe \
	       build/seccomp-bpf build/default-bpf.c build/default-bpf.o

build/default-policy.c: conf/seccomp/default.policy src/seccomp.mk | build
	{ echo '/* Generated from $< by src/seccomp.mk: do not edit. */'; \
	  echo '#include "../src/seccomp.h"'; \
	  echo 'const char nb_seccomp_default_policy[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo '"";'; } >$@.tmp && mv $@.tmp $@

build/default-policy.o: build/default-policy.c src/seccomp.h src/err.h
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The built-in policy compiled at build time (src/gen/seccomp-bpf.c).
SECCOMP_OBJS := build/seccomp.o build/seccomp-policy.o build/seccomp-plan.o build/seccomp-raw.o
build/seccomp-bpf: src/gen/seccomp-bpf.c $(SECCOMP_OBJS) build/err.o build/util.o build/default-policy.o
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/default-bpf.c: build/seccomp-bpf
	./build/seccomp-bpf >$@.tmp && mv $@.tmp $@

build/default-bpf.o: build/default-bpf.c src/seccomp.h
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# Static, so that it runs in any root filesystem a sandbox shows.
t/lib/sysprobe: t/lib/sysprobe.c
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -static -o $@ $<

.DEFAULT_GOAL := $(nb_seccomp_goal)
