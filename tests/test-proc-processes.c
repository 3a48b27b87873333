/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "seye-proc-processes.h"
#include "test-proc-tree.h"

/* Processes: /proc/[pid] trees built here, and the parsers of one process. */

#define BTIME 1700000000
#define SECOND G_USEC_PER_SEC

static long clk_tck;

/* Threads and resident memory are read from stat, as the kernel has them in status too. */
static void
write_stat (TmpRoot    *t,
            guint       pid,
            const char *name,
            char        state,
            guint64     ticks,
            guint64     start,
            guint       threads,
            guint64     rss_kb)
{
  g_autofree char *rel = g_strdup_printf ("proc/%u/stat", pid);
  g_autofree char *text = g_strdup_printf ("%u (%s) %c 1 1 1 0 -1 4194304 0 0 0 0 %" G_GUINT64_FORMAT
                                           " 0 0 0 20 0 %u 0 %" G_GUINT64_FORMAT " 1000 %" G_GUINT64_FORMAT
                                           "\n", pid, name, state, ticks, threads, start,
                                           rss_kb * 1024 / sysconf (_SC_PAGESIZE));

  tmp_root_write (t, rel, text, -1);
}

static void
write_process (TmpRoot    *t,
               guint       pid,
               const char *name,
               char        state,
               guint       uid,
               guint64     rss_kb,
               guint64     ticks,
               guint64     io_read)
{
  g_autofree char *status_rel = g_strdup_printf ("proc/%u/status", pid);
  g_autofree char *io_rel = g_strdup_printf ("proc/%u/io", pid);
  g_autofree char *status = NULL;
  g_autofree char *io = NULL;

  write_stat (t, pid, name, state, ticks, 1000 + pid, rss_kb > 0 ? 3 : 1, rss_kb);
  status = rss_kb > 0
           ? g_strdup_printf ("Name:\tx\nState:\t%c\nUid:\t%u\t%u\t%u\t%u\nVmRSS:\t%" G_GUINT64_FORMAT
                              " kB\nThreads:\t3\n", state, uid, uid, uid, uid, rss_kb)
           : g_strdup_printf ("Name:\tx\nState:\t%c\nUid:\t%u\t%u\t%u\t%u\nThreads:\t1\n",
                              state, uid, uid, uid, uid);
  tmp_root_write (t, status_rel, status, -1);
  io = g_strdup_printf ("rchar: 5\nwchar: 5\nread_bytes: %" G_GUINT64_FORMAT "\nwrite_bytes: 0\n", io_read);
  tmp_root_write (t, io_rel, io, -1);
}

/* The tree every test starts from. */
static TmpRoot *
make_tree (void)
{
  TmpRoot *t = tmp_root_new ();
  g_autofree char *stat = g_strdup_printf ("cpu 1 2 3 4\nbtime %d\nprocesses 9\n", BTIME);

  tmp_root_write (t, "proc/stat", stat, -1);
  tmp_root_write (t, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                   "alice:x:1000:1000::/home/alice:/bin/sh\n"
                                   "broken line\n", -1);
  write_process (t, 1, "init", 'S', 0, 4000, 10, 0);
  write_process (t, 2, "kthreadd", 'S', 0, 0, 0, 0);
  write_process (t, 100, "a) (b c", 'R', 1000, 2000, 100, 1000);
  write_process (t, 200, "zomb", 'Z', 1000, 0, 5, 0);
  write_process (t, 300, "secret", 'S', 4242, 1000, 0, 0);
  tmp_root_write (t, "proc/100/cmdline", "sh\0-c\0echo hi\0", 14);

  /* /proc/300/io that cannot be read: root reads any mode, so make it a directory then. */
  {
    g_autofree char *io = g_build_filename (t->root, "proc/300/io", NULL);

    if (geteuid () == 0)
      {
        g_assert_cmpint (g_remove (io), ==, 0);
        g_assert_cmpint (g_mkdir (io, 0755), ==, 0);
      }
    else
      {
        g_assert_cmpint (g_chmod (io, 0), ==, 0);
      }
  }

  /* One that went away between readdir and reading: a directory without stat. */
  tmp_root_mkdir (t, "proc/400");
  /* One whose stat cannot be read at all: counted, not listed. */
  tmp_root_mkdir (t, "proc/500/stat");
  /* Not processes. */
  tmp_root_mkdir (t, "proc/self");
  tmp_root_mkdir (t, "proc/0");
  tmp_root_mkdir (t, "proc/0123");

  return t;
}

static const SeyeProcess *
find (SeyeProcessList *list,
      guint32          pid)
{
  for (guint i = 0; i < list->processes->len; i++)
    {
      const SeyeProcess *process = list->processes->pdata[i];

      if (process->pid == pid)
        return process;
    }

  return NULL;
}

static void
test_tree (void)
{
  g_autoptr (TmpRoot) t = make_tree ();
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new (t->root);
  g_autoptr (SeyeProcessList) first = NULL;
  g_autoptr (SeyeProcessList) second = NULL;
  const SeyeProcess *p;

  seye_process_scanner_scan (scanner, 10 * SECOND);
  g_assert_false (seye_process_scanner_has_window (scanner));
  first = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  g_assert_cmpuint (first->total, ==, 5);
  g_assert_cmpuint (first->not_readable, ==, 1);
  g_assert_cmpuint (first->processes->len, ==, 5);
  g_assert_cmpfloat (first->interval, ==, 0);
  for (guint i = 0; i < first->processes->len; i++)
    g_assert_cmpfloat (((SeyeProcess *) first->processes->pdata[i])->cpu_percent, ==, 0);

  /* A second later pid 100 has used half a core and read 4000 bytes. */
  write_process (t, 100, "a) (b c", 'R', 1000, 2000, 100 + clk_tck / 2, 5000);
  write_stat (t, 1, "init", 'S', 10 + clk_tck / 10, 1001, 3, 4000);
  seye_process_scanner_scan (scanner, 11 * SECOND);
  g_assert_true (seye_process_scanner_has_window (scanner));
  second = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, TRUE);
  g_assert_cmpfloat_with_epsilon (second->interval, 1.0, EPSILON);
  g_assert_cmpuint (seye_process_scanner_get_scans (scanner), ==, 2);

  p = second->processes->pdata[0];
  g_assert_cmpuint (p->pid, ==, 100);
  g_assert_cmpstr (p->name, ==, "a) (b c");
  g_assert_cmpstr (p->user, ==, "alice");
  g_assert_cmpint (p->state, ==, 'R');
  g_assert_cmpfloat_with_epsilon (p->cpu_percent, 50.0, 1.0);
  g_assert_cmpuint (p->rss_bytes, ==, 2000 * 1024);
  g_assert_cmpuint (p->threads, ==, 3);
  g_assert_cmpint (p->start_time, ==, BTIME + (1000 + 100) / clk_tck);
  g_assert_true (p->have_io);
  g_assert_cmpfloat_with_epsilon (p->read_bytes_per_sec, 4000.0, EPSILON);
  g_assert_nonnull (p->argv);
  g_assert_cmpstr (p->argv[0], ==, "sh");
  g_assert_cmpstr (p->argv[2], ==, "echo hi");
  g_assert_null (p->argv[3]);

  p = second->processes->pdata[1];
  g_assert_cmpuint (p->pid, ==, 1);
  g_assert_cmpfloat_with_epsilon (p->cpu_percent, 10.0, 1.0);
  g_assert_cmpstr (p->user, ==, "root");

  /* The kernel thread: no memory, no command line. The zombie. The unknown uid. */
  p = find (second, 2);
  g_assert_nonnull (p);
  g_assert_cmpuint (p->rss_bytes, ==, 0);
  g_assert_null (p->argv);
  p = find (second, 200);
  g_assert_cmpint (p->state, ==, 'Z');
  p = find (second, 300);
  g_assert_cmpstr (p->user, ==, "4242");
  g_assert_false (p->have_io);

  g_assert_null (find (second, 400));
  g_assert_null (find (second, 500));
}

static void
test_sort_limit (void)
{
  g_autoptr (TmpRoot) t = make_tree ();
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new (t->root);
  g_autoptr (SeyeProcessList) memory = NULL;
  g_autoptr (SeyeProcessList) io = NULL;
  g_autoptr (SeyeProcessList) none = NULL;
  g_autoptr (SeyeProcessList) many = NULL;

  seye_process_scanner_scan (scanner, 1 * SECOND);
  write_process (t, 200, "zomb", 'Z', 1000, 0, 5, 100);
  write_process (t, 1, "init", 'S', 0, 4000, 10, 1000000);
  seye_process_scanner_scan (scanner, 3 * SECOND);

  memory = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_MEMORY, 2, FALSE);
  g_assert_cmpuint (memory->processes->len, ==, 2);
  g_assert_cmpuint (((SeyeProcess *) memory->processes->pdata[0])->pid, ==, 1);
  g_assert_cmpuint (((SeyeProcess *) memory->processes->pdata[1])->pid, ==, 100);
  g_assert_cmpuint (memory->total, ==, 5);

  io = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_IO, 1, FALSE);
  g_assert_cmpuint (((SeyeProcess *) io->processes->pdata[0])->pid, ==, 1);
  g_assert_cmpfloat_with_epsilon (((SeyeProcess *) io->processes->pdata[0])->read_bytes_per_sec,
                                  500000.0, EPSILON);

  none = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 0, FALSE);
  g_assert_cmpuint (none->processes->len, ==, 0);
  many = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 100000, FALSE);
  g_assert_cmpuint (many->processes->len, ==, 5);
}

/* A pid used again by a new process (another start time) starts from nothing. */
static void
test_pid_reuse (void)
{
  g_autoptr (TmpRoot) t = make_tree ();
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new (t->root);
  g_autoptr (SeyeProcessList) list = NULL;
  const SeyeProcess *p;

  seye_process_scanner_scan (scanner, 1 * SECOND);
  write_stat (t, 100, "new one", 'R', 100 + 5 * clk_tck, 99999, 3, 2000);
  seye_process_scanner_scan (scanner, 2 * SECOND);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  p = find (list, 100);
  g_assert_cmpstr (p->name, ==, "new one");
  g_assert_cmpfloat (p->cpu_percent, ==, 0);

  /* Never more than its threads could use: a one-thread process at most 100 %. */
  write_stat (t, 2, "kthreadd", 'S', 10 * clk_tck, 1002, 1, 0);
  seye_process_scanner_scan (scanner, 2 * SECOND + SECOND / 10);
  g_clear_pointer (&list, seye_process_list_free);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  p = find (list, 2);
  g_assert_cmpfloat (p->cpu_percent, ==, 100.0);

  /* Counters that go backwards never give negative rates. */
  write_process (t, 1, "init", 'S', 0, 4000, 0, 0);
  seye_process_scanner_scan (scanner, 3 * SECOND);
  g_clear_pointer (&list, seye_process_list_free);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  p = find (list, 1);
  g_assert_cmpfloat (p->cpu_percent, ==, 0);
  g_assert_cmpfloat (p->read_bytes_per_sec, ==, 0);

  /* Forgetting starts a new window; a process that left is not listed. */
  seye_process_scanner_forget (scanner);
  {
    g_autofree char *gone = g_build_filename (t->root, "proc/200", NULL);

    rm_rf (gone);
  }
  seye_process_scanner_scan (scanner, 4 * SECOND);
  g_assert_false (seye_process_scanner_has_window (scanner));
  g_clear_pointer (&list, seye_process_list_free);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  g_assert_null (find (list, 200));
  g_assert_cmpuint (list->total, ==, 4);
}

/* A process's status is read when it is new and when it is listed, not at
 * every scan: the owner shown is the one it has when listed. */
static void
test_owner (void)
{
  g_autoptr (TmpRoot) t = make_tree ();
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new (t->root);
  g_autoptr (SeyeProcessList) list = NULL;
  g_autofree char *status = g_build_filename (t->root, "proc/1/status", NULL);

  seye_process_scanner_scan (scanner, 1 * SECOND);

  /* init's status cannot be read any more: it is still counted and listed, as root. */
  g_assert_cmpint (g_remove (status), ==, 0);
  g_assert_cmpint (g_mkdir (status, 0755), ==, 0);
  seye_process_scanner_scan (scanner, 2 * SECOND);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  g_assert_cmpuint (list->total, ==, 5);
  g_assert_cmpuint (list->not_readable, ==, 1);
  g_assert_cmpstr (find (list, 1)->user, ==, "root");

  /* 300 became alice's (setuid after it started): so says the next list. */
  tmp_root_write (t, "proc/300/status", "Uid:\t1000\t1000\t1000\t1000\n", -1);
  g_clear_pointer (&list, seye_process_list_free);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, 20, FALSE);
  g_assert_cmpstr (find (list, 300)->user, ==, "alice");
}

static guint
count_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
spin (gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;
  volatile guint64 x = 0;

  while (g_get_monotonic_time () < end)
    x++;
}

/* This machine's /proc: the files held open between scans are read afresh (a
 * process spinning in two windows in a row is at its CPU % in both), and let
 * go when the scanner forgets. */
static void
test_live (void)
{
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new ("/");
  g_autofree char *comm = NULL;
  struct rlimit limit;
  guint fds;

  g_assert_true (g_file_get_contents ("/proc/self/comm", &comm, NULL, NULL));
  g_strchomp (comm);

  /* Room to hold files (the scanner leaves 1,024 of the soft limit alone). */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < 4096 && limit.rlim_max > limit.rlim_cur)
    {
      limit.rlim_cur = MIN (limit.rlim_max, 4096);
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    }

  fds = count_fds ();
  seye_process_scanner_scan (scanner, g_get_monotonic_time ());
  g_test_message ("%u files open before the first scan, %u after it", fds, count_fds ());
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (SeyeProcessList) list = NULL;
      const SeyeProcess *self;

      spin (300 * 1000);
      seye_process_scanner_scan (scanner, g_get_monotonic_time ());
      list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_CPU, SEYE_PROCESS_MAX_LIMIT, FALSE);
      self = find (list, getpid ());
      g_assert_nonnull (self);
      g_test_message ("window %u: %.1f %% of a core", i, self->cpu_percent);
      g_assert_cmpfloat (self->cpu_percent, >, 30.0);
      g_assert_cmpfloat (self->cpu_percent, <=, 100.0 * self->threads);
      g_assert_true (self->have_io);
      /* Read when listed: its name and state now, here running. */
      g_assert_cmpstr (self->name, ==, comm);
      g_assert_cmpint (self->state, ==, 'R');
      g_assert_cmpuint (self->threads, >=, 1);
    }
  if (limit.rlim_cur > 1024 + 2)
    g_assert_cmpuint (count_fds (), >, fds);

  seye_process_scanner_forget (scanner);
  g_assert_cmpuint (count_fds (), ==, fds);
}

/* The JSON is valid and carries every name exactly, argv only when asked. */
static void
test_json (void)
{
  g_autoptr (TmpRoot) t = make_tree ();
  g_autoptr (SeyeProcessScanner) scanner = seye_process_scanner_new (t->root);
  g_autoptr (SeyeProcessList) list = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  GString *str = g_string_new (NULL);
  g_autofree char *text = NULL;
  JsonObject *root, *first;
  JsonArray *processes;

  write_process (t, 100, "q\"\\\x01\xff\xfe", 'R', 1000, 9000, 100, 0);
  seye_process_scanner_scan (scanner, 1 * SECOND);
  list = seye_process_scanner_list (scanner, SEYE_PROCESS_SORT_MEMORY, 20, FALSE);
  seye_process_list_write_json (str, list, FALSE);
  text = g_string_free (str, FALSE);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "total"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (root, "not_readable"), ==, 1);
  g_assert_true (json_object_has_member (root, "interval"));
  processes = json_object_get_array_member (root, "processes");
  first = json_array_get_object_element (processes, 0);
  g_assert_cmpint (json_object_get_int_member (first, "pid"), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "q\"\\ \xef\xbf\xbd\xef\xbf\xbd");
  g_assert_cmpstr (json_object_get_string_member (first, "user"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (first, "state"), ==, "R");
  g_assert_false (json_object_has_member (first, "argv"));
  for (const char * const *m = (const char * const[]) { "cpu_percent", "rss_bytes", "threads",
                                                        "start_time", "read_bytes_per_sec",
                                                        "write_bytes_per_sec", NULL };
       *m != NULL; m++)
    g_assert_true (json_object_has_member (first, *m));
}

static void
test_parse_stat (void)
{
  SeyeProcPidStat stat;
  const char *good = "42 (x) (y\nz) S 1 1 1 0 -1 4194304 0 0 0 0 7 8 0 0 20 0 4 0 123 1000 100\n";
  const char *bad[] = {
    "",
    "42 x S 1",
    "42 (x S 1 1 1 0 -1 4194304 0 0 0 0 7 8 0 0 20 0 4 0 123",
    "42 (x) S 1 1",
    "42 (x) SS 1 1 1 0 -1 4194304 0 0 0 0 7 8 0 0 20 0 4 0 123 1000",
    "42 (x) S 1 1 1 0 -1 4194304 0 0 0 0 -7 8 0 0 20 0 4 0 123 1000",
    "42 (x) S 1 1 1 0 -1 4194304 0 0 0 0 7 8 0 0 20 0 4 0 99999999999999999999999 1",
    "42 (x) S 1 1 1 0 -1 4194304 0 0 0 0 7 8 0 0 20 0 4 0 123 1000",     /* no rss */
    "42 (x) S 1 1 1 0 -1 4194304 0 0 0 0 7 8 0 0 20 0 4 0 123 1000 -1",
  };

  g_assert_true (_seye_proc_parse_pid_stat (good, strlen (good), &stat));
  g_assert_cmpstr (stat.name, ==, "x) (y z");
  g_assert_cmpint (stat.state, ==, 'S');
  g_assert_cmpuint (stat.ticks, ==, 15);
  g_assert_cmpuint (stat.threads, ==, 4);
  g_assert_cmpuint (stat.start_ticks, ==, 123);
  g_assert_cmpuint (stat.rss_pages, ==, 100);
  g_free (stat.name);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (_seye_proc_parse_pid_stat (bad[i], strlen (bad[i]), &stat));
      g_assert_null (stat.name);
    }
}

static void
test_parse_status_io_cmdline (void)
{
  guint32 uid;
  guint64 threads, rss, r, w;
  g_auto (GStrv) args = NULL;

  g_assert_true (_seye_proc_parse_pid_status ("Uid:\t5\t5\t5\t5\nThreads: 2\nVmRSS: 3 kB\n", strlen ("Uid:\t5\t5\t5\t5\nThreads: 2\nVmRSS: 3 kB\n"),
                                              &uid, &threads, &rss));
  g_assert_cmpuint (uid, ==, 5);
  g_assert_cmpuint (threads, ==, 2);
  g_assert_cmpuint (rss, ==, 3072);
  g_assert_false (_seye_proc_parse_pid_status ("Threads: 2\n", strlen ("Threads: 2\n"), &uid, &threads, &rss));
  g_assert_false (_seye_proc_parse_pid_status ("Uid: 99999999999\n", strlen ("Uid: 99999999999\n"), &uid, &threads, &rss));

  g_assert_true (_seye_proc_parse_pid_io ("read_bytes: 7\nwrite_bytes: 9", strlen ("read_bytes: 7\nwrite_bytes: 9"), &r, &w));
  g_assert_cmpuint (r, ==, 7);
  g_assert_cmpuint (w, ==, 9);
  g_assert_false (_seye_proc_parse_pid_io ("read_bytes: 7\n", strlen ("read_bytes: 7\n"), &r, &w));

  g_assert_true (_seye_proc_parse_pid_statm ("2000 431 300 10 0 150 0\n", strlen ("2000 431 300 10 0 150 0\n"), &rss));
  g_assert_cmpuint (rss, ==, 431);
  g_assert_false (_seye_proc_parse_pid_statm ("2000\n", strlen ("2000\n"), &rss));
  g_assert_false (_seye_proc_parse_pid_statm ("2000 -1 3\n", strlen ("2000 -1 3\n"), &rss));
  g_assert_false (_seye_proc_parse_pid_statm ("", 0, &rss));

  g_assert_null (_seye_proc_parse_cmdline ("", 0));
  args = _seye_proc_parse_cmdline ("a\0\xff\0cut", 7);
  g_assert_cmpuint (g_strv_length (args), ==, 3);
  g_assert_cmpstr (args[1], ==, "\xef\xbf\xbd");
  g_assert_cmpstr (args[2], ==, "cut");
}

static void
test_sort_names (void)
{
  SeyeProcessSort sort;

  g_assert_true (seye_process_sort_from_string ("io", &sort));
  g_assert_cmpint (sort, ==, SEYE_PROCESS_SORT_IO);
  g_assert_false (seye_process_sort_from_string ("CPU", &sort));
  g_assert_false (seye_process_sort_from_string (NULL, &sort));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  clk_tck = sysconf (_SC_CLK_TCK);

  g_test_add_func ("/seye/proc/processes/tree", test_tree);
  g_test_add_func ("/seye/proc/processes/sort-limit", test_sort_limit);
  g_test_add_func ("/seye/proc/processes/pid-reuse", test_pid_reuse);
  g_test_add_func ("/seye/proc/processes/owner", test_owner);
  g_test_add_func ("/seye/proc/processes/live", test_live);
  g_test_add_func ("/seye/proc/processes/json", test_json);
  g_test_add_func ("/seye/proc/processes/parse-stat", test_parse_stat);
  g_test_add_func ("/seye/proc/processes/parse-status-io-cmdline", test_parse_status_io_cmdline);
  g_test_add_func ("/seye/proc/processes/sort-names", test_sort_names);

  return g_test_run ();
}
