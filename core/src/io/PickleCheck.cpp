#include "PickleCheck.h"

#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"

namespace mwb::io {
namespace {

// What a stack slot holds. Containers keep their items only where a call reads them (the
// arguments of a tensor or a storage); everything else is checked as it is built.
enum class Kind { Mark, None, Bool, Int, Float, Str, Tuple, List, Dict, Storage, Tensor, Global };

struct Value;
using Ref = std::shared_ptr<Value>;  // shared, so a memo fetch copies no tree

struct Value {
    Kind kind = Kind::None;
    int64_t number = 0;       // Int; Storage: elements
    std::string text;         // Str; Global: "module name"; Storage: record key
    std::vector<Ref> items;   // Tuple
    int depth = 1;            // nesting, so no reader recurses deeper than kMaxDepth
    // A dict or list, or a tuple holding one. Such a value is never fetched from the memo: a
    // second reference to a dict that still takes items is how a pickle builds a cycle (a
    // leak in LibTorch) or a nesting deeper than it looks. LibTorch's pickler writes each
    // container once, so a checkpoint never fetches one.
    bool holdsContainer = false;
};

constexpr int kMaxDepth = 32;          // a checkpoint nests 4 deep
constexpr size_t kMaxStack = 1 << 20;  // slots; the input is smaller than that in practice

const std::map<std::string, int64_t>& storageTypes() {
    static const std::map<std::string, int64_t> types = {
        {"torch FloatStorage", 4},  {"torch DoubleStorage", 8}, {"torch HalfStorage", 2},
        {"torch BFloat16Storage", 2}, {"torch LongStorage", 8},  {"torch IntStorage", 4},
        {"torch ShortStorage", 2},  {"torch CharStorage", 1},   {"torch ByteStorage", 1},
        {"torch BoolStorage", 1}};
    return types;
}

const char* const kRebuildTensor = "torch._utils _rebuild_tensor_v2";
const char* const kTypeTag = "torch.jit._pickle restore_type_tag";
const char* const kOrderedDict = "collections OrderedDict";

class Machine {
public:
    Machine(std::string_view p, const RecordSize& recordSize, const std::string& where)
        : p_(p), recordSize_(recordSize), where_(where) {}

    void run() {
        if (p_.size() < 2 || static_cast<unsigned char>(p_[0]) != 0x80 || p_[1] != 2)
            fail(0, "it does not start as a protocol-2 pickle");
        at_ = 2;
        while (true) {
            if (at_ >= p_.size()) fail(at_, "it ends before its STOP opcode; it was cut short");
            const size_t op = at_++;
            if (!step(static_cast<unsigned char>(p_[op]), op)) break;
        }
        if (at_ != p_.size()) fail(at_, std::to_string(p_.size() - at_) + " bytes follow its end");
        if (stack_.size() != 1 || stack_[0]->kind != Kind::Dict)
            fail(at_ - 1, "it does not end with one dict on its stack");
    }

private:
    [[noreturn]] void fail(size_t offset, const std::string& why) const {
        throw Error(where_ + ": the checkpoint's data.pkl at byte " + std::to_string(offset) + ": " +
                    why + "; the checkpoint is damaged or was not written by Mamba Workbench "
                    "(use an earlier checkpoint)");
    }

    uint64_t readUnsigned(size_t n) {
        if (p_.size() - at_ < n) fail(at_, "an argument runs past the end");
        uint64_t v = 0;
        for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(p_[at_ + i]);
        at_ += n;
        return v;
    }
    std::string_view readBytes(uint64_t n) {
        if (p_.size() - at_ < n) fail(at_, "a string of " + std::to_string(n) + " bytes runs past the end");
        const auto s = p_.substr(at_, n);
        at_ += n;
        return s;
    }
    std::string readLine() {
        const size_t end = p_.find('\n', at_);
        if (end == std::string_view::npos) fail(at_, "a name runs past the end");
        std::string s(p_.substr(at_, end - at_));
        at_ = end + 1;
        return s;
    }

    void push(size_t op, Ref v) {
        if (v->depth > kMaxDepth) fail(op, "values nest deeper than " + std::to_string(kMaxDepth));
        if (stack_.size() >= kMaxStack) fail(op, "its stack grows past " + std::to_string(kMaxStack) + " values");
        stack_.push_back(std::move(v));
    }
    Ref make(Kind kind, int64_t number = 0, std::string text = {}) {
        auto v = std::make_shared<Value>();
        v->kind = kind;
        v->number = number;
        v->text = std::move(text);
        v->holdsContainer = kind == Kind::Dict || kind == Kind::List;
        return v;
    }
    Ref pop(size_t op) {
        if (stack_.empty() || stack_.back()->kind == Kind::Mark) fail(op, "an opcode takes a value its stack does not hold");
        Ref v = std::move(stack_.back());
        stack_.pop_back();
        return v;
    }
    /// The values above the topmost mark, which is removed.
    std::vector<Ref> popToMark(size_t op) {
        if (marks_.empty()) fail(op, "an opcode needs a mark and there is none");
        const size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<Ref> items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(mark) + 1),
                               std::make_move_iterator(stack_.end()));
        stack_.resize(mark);
        return items;
    }
    Ref tuple(size_t op, std::vector<Ref> items) {
        auto v = std::make_shared<Value>();
        v->kind = Kind::Tuple;
        for (const auto& item : items) {
            v->depth = std::max(v->depth, item->depth + 1);
            v->holdsContainer = v->holdsContainer || item->holdsContainer;
        }
        v->items = std::move(items);
        if (v->depth > kMaxDepth) fail(op, "values nest deeper than " + std::to_string(kMaxDepth));
        return v;
    }
    /// Adds items to the container on top of the stack. It is in no other container (containers
    /// are never fetched twice), so its depth can grow with what it takes.
    void addToContainer(size_t op, Kind kind, const std::vector<Ref>& items) {
        if (stack_.empty() || stack_.back()->kind != kind)
            fail(op, kind == Kind::Dict ? "items are set on something that is not a dict"
                                        : "items are appended to something that is not a list");
        if (kind == Kind::Dict && items.size() % 2) fail(op, "a dict gets a key without a value");
        Value& container = *stack_.back();
        for (size_t i = 0; i < items.size(); ++i) {
            const bool key = kind == Kind::Dict && i % 2 == 0;
            if (key && items[i]->kind != Kind::Str && items[i]->kind != Kind::Int) fail(op, "a dict key is not a string or a number");
            if (items[i]->kind == Kind::Storage || items[i]->kind == Kind::Global) fail(op, "a container holds a storage or a name");
            container.depth = std::max(container.depth, items[i]->depth + 1);
        }
        if (container.depth > kMaxDepth) fail(op, "values nest deeper than " + std::to_string(kMaxDepth));
    }

    /// The storage of a persistent id: ('storage', <storage type>, key, 'cpu', numel).
    Ref storage(size_t op, const Ref& id) {
        const auto& t = id->items;
        if (id->kind != Kind::Tuple || t.size() != 5 || t[0]->kind != Kind::Str || t[0]->text != "storage" ||
            t[1]->kind != Kind::Global || t[2]->kind != Kind::Str || t[3]->kind != Kind::Str || t[4]->kind != Kind::Int)
            fail(op, "a persistent id is not ('storage', type, key, location, size)");
        const auto type = storageTypes().find(t[1]->text);
        if (type == storageTypes().end()) fail(op, "a storage of type " + quoteInput(t[1]->text));
        const std::string& key = t[2]->text;
        if (key.empty() || key.size() > 18 || key.find_first_not_of("0123456789") != std::string::npos)
            fail(op, "a storage key " + quoteInput(key) + " is not a record number");
        if (t[3]->text != "cpu") fail(op, "a storage on " + quoteInput(t[3]->text) + "; checkpoints keep tensors on the CPU");
        const int64_t numel = t[4]->number;
        const auto bytes = recordSize_(key);
        if (!bytes) fail(op, "the storage 'data/" + key + "' is not in the archive");
        if (numel < 0 || static_cast<uint64_t>(numel) > *bytes / static_cast<uint64_t>(type->second) ||
            static_cast<uint64_t>(numel) * static_cast<uint64_t>(type->second) != *bytes)
            fail(op, "the storage 'data/" + key + "' of " + std::to_string(numel) + " elements does not match its record of " +
                     std::to_string(*bytes) + " bytes");
        const auto seen = storages_.emplace(key, t[1]->text);
        if (seen.first->second != t[1]->text) fail(op, "the storage 'data/" + key + "' is read as two types");
        auto v = std::make_shared<Value>();
        v->kind = Kind::Storage;
        v->number = numel;  // elements
        v->text = key;
        return v;
    }

    static bool isIntTuple(const Ref& v) {
        if (v->kind != Kind::Tuple) return false;
        for (const auto& item : v->items) {
            if (item->kind != Kind::Int) return false;
        }
        return true;
    }

    /// _rebuild_tensor_v2(storage, offset, sizes, strides, requires_grad, hooks[, metadata]):
    /// every element the tensor can address must lie inside its storage.
    Ref tensor(size_t op, const Ref& args) {
        const auto& a = args->items;
        if (args->kind != Kind::Tuple || a.size() < 6 || a.size() > 7 || a[0]->kind != Kind::Storage ||
            a[1]->kind != Kind::Int || !isIntTuple(a[2]) || !isIntTuple(a[3]) || a[4]->kind != Kind::Bool ||
            a[5]->kind != Kind::Dict || (a.size() == 7 && a[6]->kind != Kind::Dict))
            fail(op, "a tensor is not built from (storage, offset, sizes, strides, requires_grad, hooks)");
        const auto& sizes = a[2]->items;
        const auto& strides = a[3]->items;
        if (sizes.size() != strides.size() || sizes.size() > 16) fail(op, "a tensor's sizes and strides do not match");
        const int64_t numel = a[0]->number;
        const int64_t offset = a[1]->number;
        if (offset < 0 || offset > numel) fail(op, "a tensor starts outside its storage");
        // The last element addressed is offset + sum((size - 1) * stride); an empty tensor
        // addresses none. Computed so that no step can overflow.
        bool empty = false;
        for (const auto& s : sizes) {
            if (s->number < 0) fail(op, "a tensor has a negative size");
            empty = empty || s->number == 0;
        }
        uint64_t last = static_cast<uint64_t>(offset);
        for (size_t i = 0; i < sizes.size() && !empty; ++i) {
            const int64_t stride = strides[i]->number;
            if (stride < 0) fail(op, "a tensor has a negative stride");
            const uint64_t reach = static_cast<uint64_t>(sizes[i]->number - 1);
            if (reach != 0 && static_cast<uint64_t>(stride) > (static_cast<uint64_t>(numel) - last) / reach)
                fail(op, "a tensor reaches past the end of its storage 'data/" + a[0]->text + "'");
            last += reach * static_cast<uint64_t>(stride);
        }
        if (!empty && last >= static_cast<uint64_t>(numel)) fail(op, "a tensor reaches past the end of its storage 'data/" + a[0]->text + "'");
        return make(Kind::Tensor);
    }

    Ref call(size_t op, const Ref& callable, const Ref& args) {
        if (callable->kind != Kind::Global || args->kind != Kind::Tuple) fail(op, "a call of something that is not a name");
        if (callable->text == kRebuildTensor) return tensor(op, args);
        if (callable->text == kOrderedDict) {
            if (!args->items.empty()) fail(op, "an OrderedDict is built with arguments");
            return make(Kind::Dict);
        }
        // restore_type_tag(value, type): LibTorch parses the type, so only the ones it writes pass.
        const auto& a = args->items;
        if (a.size() != 2 || a[1]->kind != Kind::Str || (a[0]->kind != Kind::Dict && a[0]->kind != Kind::List))
            fail(op, "a type tag is not (container, type)");
        if (a[1]->text != "Dict[str, Tensor]" && a[1]->text != "Dict[str, Any]" && a[1]->text != "Dict[str, str]")
            fail(op, "the type tag " + quoteInput(a[1]->text));
        return a[0];
    }

    /// Runs one opcode; false after STOP.
    bool step(unsigned char code, size_t op) {
        switch (code) {
            case '.': return false;  // STOP
            case '(': marks_.push_back(stack_.size()); push(op, make(Kind::Mark)); return true;
            case 'N': push(op, make(Kind::None)); return true;
            case 0x88: push(op, make(Kind::Bool, 1)); return true;  // NEWTRUE
            case 0x89: push(op, make(Kind::Bool, 0)); return true;  // NEWFALSE
            case 'K': push(op, make(Kind::Int, static_cast<int64_t>(readUnsigned(1)))); return true;
            case 'M': push(op, make(Kind::Int, static_cast<int64_t>(readUnsigned(2)))); return true;
            case 'J': push(op, make(Kind::Int, static_cast<int32_t>(static_cast<uint32_t>(readUnsigned(4))))); return true;
            case 0x8a: {  // LONG1: a little-endian two's complement of n bytes
                const uint64_t n = readUnsigned(1);
                if (n > 8) fail(op, "an integer of " + std::to_string(n) + " bytes");
                uint64_t v = n ? readUnsigned(n) : 0;
                if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
                push(op, make(Kind::Int, static_cast<int64_t>(v)));
                return true;
            }
            case 'G': readBytes(8); push(op, make(Kind::Float)); return true;  // BINFLOAT
            case 'X': {  // BINUNICODE
                const auto text = readBytes(readUnsigned(4));
                push(op, make(Kind::Str, 0, std::string(text)));
                return true;
            }
            case 'c': {  // GLOBAL
                std::string name = readLine();
                name += ' ' + readLine();
                if (name != kRebuildTensor && name != kTypeTag && name != kOrderedDict && !storageTypes().count(name))
                    fail(op, "it names " + quoteInput(name) + ", which a checkpoint does not call");
                push(op, make(Kind::Global, 0, name));
                return true;
            }
            case '}': push(op, make(Kind::Dict)); return true;
            case ']': push(op, make(Kind::List)); return true;
            case ')': push(op, tuple(op, {})); return true;
            case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
                std::vector<Ref> items(code - 0x84);
                for (size_t i = items.size(); i-- > 0;) items[i] = pop(op);
                push(op, tuple(op, std::move(items)));
                return true;
            }
            case 't': push(op, tuple(op, popToMark(op))); return true;
            case 'u': addToContainer(op, Kind::Dict, popToMark(op)); return true;  // SETITEMS
            case 's': {  // SETITEM
                std::vector<Ref> pair(2);
                pair[1] = pop(op);
                pair[0] = pop(op);
                addToContainer(op, Kind::Dict, pair);
                return true;
            }
            case 'e': addToContainer(op, Kind::List, popToMark(op)); return true;  // APPENDS
            case 'a': addToContainer(op, Kind::List, {pop(op)}); return true;      // APPEND
            case 'Q': push(op, storage(op, pop(op))); return true;  // BINPERSID
            case 'R': {  // REDUCE
                const Ref args = pop(op);
                const Ref callable = pop(op);
                push(op, call(op, callable, args));
                return true;
            }
            case 'q': case 'r': {  // BINPUT, LONG_BINPUT
                const uint64_t index = readUnsigned(code == 'q' ? 1 : 4);
                if (stack_.empty() || stack_.back()->kind == Kind::Mark) fail(op, "it memoizes a mark");
                // LibTorch's unpickler keeps the memo in an array as long as the largest index:
                // one far index would allocate gigabytes. Its pickler numbers them 0, 1, 2, ...
                if (index > memo_.size())
                    fail(op, "it memoizes at index " + std::to_string(index) + ", past the next one (" +
                                 std::to_string(memo_.size()) + ")");
                if (index == memo_.size()) memo_.push_back(nullptr);
                memo_[index] = stack_.back();
                return true;
            }
            case 'h': case 'j': {  // BINGET, LONG_BINGET
                const uint64_t index = readUnsigned(code == 'h' ? 1 : 4);
                if (index >= memo_.size()) fail(op, "it fetches memo " + std::to_string(index) + ", which was never stored");
                if (memo_[index]->holdsContainer) fail(op, "it fetches a dict or list a second time");
                push(op, memo_[index]);
                return true;
            }
            default: {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02x", code);
                fail(op, std::string("the opcode ") + hex + ", which a checkpoint does not hold");
            }
        }
    }

    std::string_view p_;
    const RecordSize& recordSize_;
    const std::string& where_;
    size_t at_ = 0;
    std::vector<Ref> stack_;
    std::vector<size_t> marks_;  // stack positions of the marks
    std::vector<Ref> memo_;
    std::unordered_map<std::string, std::string> storages_;  // key -> storage type
};

}  // namespace

void checkCheckpointPickle(std::string_view pickle, const RecordSize& recordSize, const std::string& where) {
    Machine(pickle, recordSize, where).run();
}

}  // namespace mwb::io
