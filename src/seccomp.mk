# src/seccomp.mk: the seccomp module's build steps, included by GNUmakefile.
# It embeds conf/seccomp/default.policy as a C string (with sed, so no xxd)
# and builds t/lib/sysprobe, the helper the seccomp tests run in a sandbox.
#
# GNUmakefile links $(EXTRA_OBJS) into nestbox, makes `check` depend on
# $(CHECK_DEPS), and may remove $(CLEAN_FILES) in `clean`.

# Objects go to $(B) (GNUmakefile's build directory; check-asan uses its
# own). A rule here must not become make's default goal.
B ?= build
nb_seccomp_goal := $(.DEFAULT_GOAL)

EXTRA_OBJS  += $(B)/default-policy.o $(B)/default-bpf.o
CHECK_DEPS  += t/lib/sysprobe
CLEAN_FILES += $(B)/default-policy.c $(B)/default-policy.o t/lib/sysprobe \
	       $(B)/seccomp-bpf $(B)/default-bpf.c $(B)/default-bpf.o

$(B)/default-policy.c: conf/seccomp/default.policy src/seccomp.mk | $(B)
	{ echo '/* Generated from $< by src/seccomp.mk: do not edit. */'; \
	  echo '#include "seccomp.h"'; \
	  echo 'const char nb_seccomp_default_policy[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo '"";'; } >$@.tmp && mv $@.tmp $@

$(B)/default-policy.o: $(B)/default-policy.c src/seccomp.h src/err.h
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(CPPFLAGS) -Isrc -c -o $@ $<

# The built-in policy compiled at build time (src/gen/seccomp-bpf.c).
SECCOMP_OBJS := $(B)/seccomp.o $(B)/seccomp-policy.o $(B)/seccomp-plan.o $(B)/seccomp-raw.o
$(B)/seccomp-bpf: src/gen/seccomp-bpf.c src/gen/seccomp-merge.c src/gen/seccomp-merge.h src/gen/seccomp-shrink.c \
		src/gen/seccomp-shrink.h $(SECCOMP_OBJS) $(B)/err.o \
		$(B)/util.o $(B)/default-policy.o
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LIBS)

$(B)/default-bpf.c: $(B)/seccomp-bpf
	./$(B)/seccomp-bpf >$@.tmp && mv $@.tmp $@

$(B)/default-bpf.o: $(B)/default-bpf.c src/seccomp.h
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(CPPFLAGS) -Isrc -c -o $@ $<

# Static, so that it runs in any root filesystem a sandbox shows.
t/lib/sysprobe: t/lib/sysprobe.c
	$(CC) $(NB_CFLAGS) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -static -o $@ $<

.DEFAULT_GOAL := $(nb_seccomp_goal)
