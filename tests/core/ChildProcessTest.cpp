// sys::startChild on real processes: a child dies with its parent, its output goes to the
// log, its environment has the variables asked for, and describeExit says how it ended.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "TestFiles.h"
#include "mwb/sys/ChildProcess.h"

using mwb::sys::ChildSpec;
using mwb::sys::describeExit;
using mwb::sys::startChild;

namespace {

/// Waits up to `limit` for child `pid` to end and returns its wait status; on time-out kills
/// it, fails the test and returns -1.
int waitFor(pid_t pid, std::chrono::seconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        if (done < 0) {
            ADD_FAILURE() << "process " << pid << " is not a child of this test";
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ADD_FAILURE() << "process " << pid << " still ran after " << limit.count() << " s";
    return -1;
}

ChildSpec shell(const std::string& script) { return {"/bin/sh", {"sh", "-c", script}, {}, "", SIGTERM}; }

std::string readAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST(ChildProcess, DescribesHowAChildEnded) {
    EXPECT_EQ(describeExit(waitFor(startChild(shell("exit 3")))), "exited with code 3");
    EXPECT_EQ(describeExit(waitFor(startChild(shell("exit 0")))), "exited with code 0");
    const pid_t sleeper = startChild({"/bin/sleep", {"sleep", "60"}, {}, "", SIGTERM});
    kill(sleeper, SIGKILL);
    EXPECT_EQ(describeExit(waitFor(sleeper)), "was killed by signal 9 (Killed)");
}

TEST(ChildProcess, DiesWithItsParent) {
    // This test adopts orphaned descendants (a child subreaper), so it can wait for the child
    // of a process that has died and see what ended it.
    ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
    const pid_t parent = fork();
    ASSERT_GE(parent, 0);
    if (parent == 0) {  // the middle process: starts a long sleep, says its pid, exits
        close(fds[0]);
        try {
            // A pipe that closes when the child executes the program: its end of file says the
            // child is past its parent check, so the exit below cannot come before it.
            int started[2];
            if (pipe2(started, O_CLOEXEC) != 0) _exit(4);
            const pid_t child = startChild({"/bin/sleep", {"sleep", "60"}, {}, "", SIGTERM});
            close(started[1]);
            char byte = 0;
            if (read(started[0], &byte, 1) != 0) _exit(5);
            _exit(write(fds[1], &child, sizeof child) == static_cast<ssize_t>(sizeof child) ? 0 : 2);
        } catch (...) {
            _exit(3);
        }
    }
    close(fds[1]);
    pid_t child = -1;
    const auto got = read(fds[0], &child, sizeof child);
    close(fds[0]);
    EXPECT_EQ(describeExit(waitFor(parent)), "exited with code 0");
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof child));
    // Sleeping for a minute, it ends within the wait only through the parent's death signal.
    EXPECT_EQ(describeExit(waitFor(child)), "was killed by signal 15 (Terminated)");
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST(ChildProcess, AppendsItsOutputToTheLogAndSetsItsVariables) {
    mwb::test::TempDir dir;
    const std::string log = (dir.path() / "child.log").string();
    std::ofstream(log) << "before\n";
    setenv("MWB_CHILD_TEST", "inherited", 1);
    setenv("MWB_CHILD_KEPT", "kept", 1);
    auto spec = shell("echo \"out $MWB_CHILD_TEST $MWB_CHILD_KEPT\"; env | grep -c '^MWB_CHILD_TEST='; "
                      "echo err >&2");
    spec.env = {{"MWB_CHILD_TEST", "7"}};
    spec.logPath = log;
    EXPECT_EQ(describeExit(waitFor(startChild(spec))), "exited with code 0");
    unsetenv("MWB_CHILD_TEST");
    unsetenv("MWB_CHILD_KEPT");
    EXPECT_EQ(readAll(log), "before\nout 7 kept\n1\nerr\n");
}

TEST(ChildProcess, NamesWhatCannotStart) {
    mwb::test::expectError([] { startChild({"/no/such/program", {"program"}, {}, "", SIGTERM}); },
                           {"cannot execute", "/no/such/program"});
    auto spec = shell("exit 0");
    spec.logPath = "/no/such/folder/child.log";
    mwb::test::expectError([&] { startChild(spec); }, {"cannot write", "/no/such/folder/child.log"});
}
