/* sched.c: the payload's scheduling (sched.h), applied in its own process
 * after its restrictions and before its filter and exec; the OOM score
 * by the front end to itself before the sandbox is made, since the
 * payload's process, non-dumpable, cannot open its own /proc file. Each setting
 * either takes or fails with its name: a rootless caller cannot lower
 * its OOM score, take the real-time classes or raise its priority, and
 * is told so rather than run without them. */
#include "sched.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* sched_setattr(2)'s argument; glibc 2.36 has no wrapper, and the
 * kernel's header clashes with glibc's sched_param. */
struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

/* Calls fn(cpu) for each CPU of a list; -1 if it is not one. */
static int each_cpu(const char *text, void (*fn)(unsigned long, void *), void *arg)
{
	const char *p = text;

	if (!*p)
		return -1;
	while (*p) {
		char *end;
		unsigned long a, b;

		if (*p < '0' || *p > '9')
			return -1;
		a = b = strtoul(p, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= CPU_SETSIZE || (*end && *end != ','))
			return -1;
		for (unsigned long c = a; fn && c <= b; c++)
			fn(c, arg);
		p = *end ? end + 1 : end;
		if (*end && !*p)
			return -1;
	}
	return 0;
}

bool nb_sched_cpus_valid(const char *text)
{
	return each_cpu(text, NULL, NULL) == 0;
}

static void add_cpu(unsigned long c, void *set)
{
	CPU_SET(c, (cpu_set_t *)set);
}

int nb_sched_oom(int adj, struct nb_err *err)
{
	char v[16];
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC), rc, e;

	snprintf(v, sizeof v, "%d", adj);
	rc = fd < 0 ? -1 : nb_write_all(fd, v, strlen(v));
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	if (rc < 0)
		return nb_fail_hint(err, errno, errno == EACCES ? "without privilege it can only be raised" : "it needs /proc in the container",
				    "cannot set the OOM score adjustment to %d", adj);
	return 0;
}

int nb_sched_apply(const struct nb_sched *s, struct nb_err *err)
{
	if (s->ioprio >= 0 && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, s->ioprio) < 0)
		return nb_fail_hint(err, errno, errno == EPERM ? "the real-time class needs privilege" : "",
				    "cannot set the I/O priority to class %d, level %d", s->ioprio >> IOPRIO_CLASS_SHIFT,
				    s->ioprio & (int)IOPRIO_PRIO_MASK);
	if (s->policy_set) {
		static const char *const names[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
						     "SCHED_IDLE", "SCHED_DEADLINE" };
		struct attr a = { .size = sizeof a, .policy = s->policy, .flags = s->flags, .nice = s->nice,
				  .priority = s->priority, .runtime = s->runtime, .deadline = s->deadline,
				  .period = s->period };

		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
			return nb_fail_hint(err, errno, errno == EPERM ? "real-time policies and a lower nice need privilege" : "",
					    "cannot set the scheduling policy %s (nice %d, priority %u)",
					    s->policy < ARRAY_SIZE(names) ? names[s->policy] : "?", s->nice, s->priority);
	}
	if (s->cpus) {
		cpu_set_t set;

		CPU_ZERO(&set);
		each_cpu(s->cpus, add_cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set) < 0)
			return nb_fail(err, errno, "cannot set the CPU affinity to %s", s->cpus);
	}
	return 0;
}
