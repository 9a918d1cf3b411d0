// The JSON event stream (train::replayEvent, how the desktop app follows a run in other
// processes), one input line per event. An event it accepts, written again by EventWriter,
// replays to the same line; a line that is not an event is left alone.

#include <sstream>

#include "FuzzCommon.h"
#include "mwb/config/EventStream.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    for (const auto& line : fuzz::split(fuzz::textOf(data, size), '\n')) {
        std::ostringstream first;
        train::EventWriter writer(first);
        bool isEvent = false;
        if (!fuzz::accepts([&] { isEvent = train::replayEvent(line, writer); }, "event stream")) continue;
        if (!isEvent) {
            fuzz::check(first.str().empty(), "a line that is not an event reached the listener", line);
            continue;
        }
        const std::string written = first.str();
        fuzz::check(!written.empty() && written.back() == '\n' &&
                        written.find('\n') == written.size() - 1,
                    "an event was not written as one line", written);

        std::ostringstream second;
        train::EventWriter again(second);
        bool replayed = false;
        fuzz::mustSucceed([&] { replayed = train::replayEvent(written.substr(0, written.size() - 1), again); },
                          "replaying what EventWriter wrote");
        fuzz::check(replayed && second.str() == written, "a written event replays differently",
                    written + second.str());
    }
    return 0;
}
