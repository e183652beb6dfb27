// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include "picklecompat_p.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace qs::detail {

namespace {

// Where each stack item's encoding starts in the stream (marks included), so that a MARK can be
// put in front of a SETITEM's key.
struct Item
{
    size_t start;
    bool mark;
};

uint64_t readLE(const std::string& s, size_t pos, int bytes)
{
    uint64_t v = 0;
    if (pos + size_t(bytes) > s.size())
        return s.size(); // truncated: makes the caller step past the end and give up
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | uint8_t(s[pos + size_t(i)]);
    return v;
}

} // namespace

std::string rewriteSetItem(const std::string& p, bool* changed)
{
    if (changed)
        *changed = false;
    std::vector<Item> stack;
    std::vector<size_t> marksAt; // insert '(' before these offsets
    std::vector<size_t> setitemsAt; // turn 's' into 'u' at these offsets
    auto popToMark = [&]() -> size_t {
        while (!stack.empty() && !stack.back().mark)
            stack.pop_back();
        if (stack.empty())
            return std::string::npos;
        const size_t start = stack.back().start;
        stack.pop_back();
        return start;
    };
    auto pop = [&](size_t n) -> size_t {
        if (stack.size() < n)
            return std::string::npos;
        const size_t start = stack[stack.size() - n].start;
        stack.resize(stack.size() - n);
        return start;
    };
    size_t i = 0;
    while (i < p.size()) {
        const size_t at = i;
        const unsigned char op = uint8_t(p[i++]);
        // Past the end (and out of the loop) when \a n does not fit: an 8-byte length of 2^64 - 8
        // wrapped i around to the start and the loop pushed until memory ran out (found by fuzzing).
        auto skip = [&](uint64_t n) { i = n > p.size() - std::min(i, p.size()) ? p.size() + 1 : i + size_t(n); };
        auto skipLine = [&]() {
            const size_t nl = p.find('\n', i);
            i = nl == std::string::npos ? p.size() + 1 : nl + 1;
        };
        auto push = [&](size_t start) { stack.push_back({ start, false }); };
        bool ok = true;
        switch (op) {
        case '(':
            stack.push_back({ at, true });
            break; // MARK
        case '.':
            i = p.size();
            break; // STOP
        case '0':
            ok = pop(1) != std::string::npos;
            break; // POP
        case '1':
            ok = popToMark() != std::string::npos;
            break; // POP_MARK
        case '2':
            push(at);
            break; // DUP
        case 'N':
        case ')':
        case ']':
        case '}':
        case 0x88:
        case 0x89:
        case 0x8f:
            push(at);
            break;
        case 'J':
            skip(4);
            push(at);
            break; // BININT
        case 'K':
        case 'h':
            skip(1);
            push(at);
            break; // BININT1, BINGET
        case 'M':
            skip(2);
            push(at);
            break; // BININT2
        case 'j':
            skip(4);
            push(at);
            break; // LONG_BINGET
        case 'q':
            skip(1);
            break; // BINPUT
        case 'r':
            skip(4);
            break; // LONG_BINPUT
        case 0x94:
            break; // MEMOIZE
        case 'G':
            skip(8);
            push(at);
            break; // BINFLOAT
        case 0x80:
            skip(1);
            break; // PROTO
        case 0x82:
            skip(1);
            push(at);
            break; // EXT1
        case 0x83:
            skip(2);
            push(at);
            break; // EXT2
        case 0x84:
            skip(4);
            push(at);
            break; // EXT4
        case 'T':
        case 'X':
        case 'B':
            skip(4 + readLE(p, i, 4));
            push(at);
            break; // BINSTRING, BINUNICODE, BINBYTES
        case 'U':
        case 'C':
        case 0x8c:
        case 0x8a:
            skip(1 + uint8_t(p[i]));
            push(at);
            break; // SHORT_*, LONG1
        case 0x8b:
            skip(4 + readLE(p, i, 4));
            push(at);
            break; // LONG4
        case 0x8d:
        case 0x8e:
            skip(8 + readLE(p, i, 8));
            push(at);
            break; // BINUNICODE8, BINBYTES8
        case 'I':
        case 'L':
        case 'F':
        case 'S':
        case 'V':
        case 'P':
            skipLine();
            push(at);
            break;
        case 'g':
            skipLine();
            push(at);
            break; // GET
        case 'p':
            skipLine();
            break; // PUT
        case 'c':
            skipLine();
            skipLine();
            push(at);
            break; // GLOBAL
        case 'i':
            skipLine();
            skipLine();
            ok = popToMark() != std::string::npos;
            push(at);
            break; // INST
        case 'Q': {
            const size_t s = pop(1);
            ok = s != std::string::npos;
            push(s);
            break;
        } // BINPERSID
        case 'R':
        case 0x81:
        case 0x93: {
            const size_t s = pop(2);
            ok = s != std::string::npos;
            push(s);
            break;
        } // REDUCE, NEWOBJ, STACK_GLOBAL
        case 0x92: {
            const size_t s = pop(3);
            ok = s != std::string::npos;
            push(s);
            break;
        } // NEWOBJ_EX
        case 'b':
        case 'a':
            ok = pop(1) != std::string::npos;
            break; // BUILD, APPEND
        case 'e':
        case 'u':
        case 0x90:
            ok = popToMark() != std::string::npos;
            break; // APPENDS, SETITEMS, ADDITEMS
        case 't':
        case 'l':
        case 'd':
        case 'o':
        case 0x91: {
            const size_t s = popToMark();
            ok = s != std::string::npos;
            push(s);
            break;
        }
        case 0x85: {
            const size_t s = pop(1);
            ok = s != std::string::npos;
            push(s);
            break;
        } // TUPLE1
        case 0x86: {
            const size_t s = pop(2);
            ok = s != std::string::npos;
            push(s);
            break;
        } // TUPLE2
        case 0x87: {
            const size_t s = pop(3);
            ok = s != std::string::npos;
            push(s);
            break;
        } // TUPLE3
        case 's': { // SETITEM: dict key value
            if (stack.size() < 3) {
                ok = false;
                break;
            }
            marksAt.push_back(stack[stack.size() - 2].start);
            setitemsAt.push_back(at);
            stack.resize(stack.size() - 2);
            break;
        }
        default:
            ok = false;
            break; // FRAME (protocol 4) or unknown: leave the stream to LibTorch
        }
        if (!ok || i > p.size())
            return p;
    }
    if (setitemsAt.empty())
        return p;
    std::string out;
    out.reserve(p.size() + marksAt.size());
    std::sort(marksAt.begin(), marksAt.end());
    size_t m = 0, s = 0;
    for (size_t k = 0; k < p.size(); ++k) {
        while (m < marksAt.size() && marksAt[m] == k) {
            out.push_back('(');
            ++m;
        }
        if (s < setitemsAt.size() && setitemsAt[s] == k) {
            out.push_back('u');
            ++s;
        } else {
            out.push_back(p[k]);
        }
    }
    if (changed)
        *changed = true;
    return out;
}

namespace {

// LibTorch 1.13's unpickler trusts the file: a storage is as many bytes as the pickle says
// (numel * itemsize) whatever the size of its data record, and a tensor's sizes, strides and
// offset are not checked against its storage. A damaged or hostile file then gives tensors that
// read past their memory (found by fuzzing, tests/fuzz/regressions/tensorfile/). Every tensor is
// checked here before anything reads it.
using RecordSizes = std::map<const void*, size_t>;

void checkTensor(const at::Tensor& t, const RecordSizes& records)
{
    if (!t.defined())
        return;
    if (!t.has_storage())
        throw std::runtime_error("a tensor without dense storage (sparse or opaque), which Quantscope does not read");
    const c10::Storage& storage = t.storage();
    const size_t nbytes = storage.nbytes();
    if (nbytes > 0) {
        const auto it = records.find(storage.data());
        const size_t have = it == records.end() ? 0 : it->second;
        if (nbytes > have)
            throw std::runtime_error("the data of a tensor is cut off: its storage needs " + std::to_string(nbytes) + " bytes but the file holds "
                                     + std::to_string(have));
    }
    if (t.numel() == 0)
        return;
    int64_t lo = t.storage_offset();
    int64_t hi = lo;
    for (int64_t d = 0; d < t.dim(); ++d) {
        int64_t extent = 0;
        if (__builtin_mul_overflow(t.size(d) - 1, t.stride(d), &extent)
            || (extent < 0 ? __builtin_add_overflow(lo, extent, &lo) : __builtin_add_overflow(hi, extent, &hi)))
            throw std::runtime_error("a tensor's sizes and strides overflow");
    }
    int64_t endBytes = 0;
    if (lo < 0 || __builtin_mul_overflow(hi + 1, int64_t(t.element_size()), &endBytes) || uint64_t(endBytes) > nbytes)
        throw std::runtime_error("a tensor of shape " + c10::str(t.sizes()) + " reaches past the end of its data (" + std::to_string(nbytes)
                                 + " bytes)");
}

void checkTensors(const c10::IValue& v, const RecordSizes& records, int depth)
{
    if (depth > 64)
        throw std::runtime_error("containers nested more than 64 deep");
    if (v.isTensor()) {
        checkTensor(v.toTensor(), records);
    } else if (v.isTuple()) {
        for (const c10::IValue& e : v.toTupleRef().elements())
            checkTensors(e, records, depth + 1);
    } else if (v.isList()) {
        for (const c10::IValue& e : v.toListRef())
            checkTensors(e, records, depth + 1);
    } else if (v.isGenericDict()) {
        for (const auto& kv : v.toGenericDict()) {
            checkTensors(kv.key(), records, depth + 1);
            checkTensors(kv.value(), records, depth + 1);
        }
    } else if (v.isObject()) {
        throw std::runtime_error("a Python object of class " + v.type()->str());
    }
}

} // namespace

// LibTorch 1.13's unpickler grows its memo table to the index a PUT names: LONG_BINPUT with
// index 0x71656761 made it allocate 30 GB (found by fuzzing, tests/fuzz/regressions/tensorfile/);
// it also reserves a string's declared length before reading it (checked below too).
// A pickler numbers its memo entries from 0, one per PUT of at least two bytes, so an index
// beyond the pickle's size is refused here. Walks the opcodes as the unpickler reads them (every
// opcode of protocols 0-5 with its argument) up to STOP or the first opcode it does not know,
// where LibTorch stops too.
void checkMemoIndices(const std::string& p)
{
    auto refuse = [&](uint64_t index) {
        throw std::runtime_error("its pickle stores memo entry " + std::to_string(index) + ", more than a pickle of "
                                 + std::to_string(p.size()) + " bytes can have (a damaged or hostile file)");
    };
    size_t i = 0;
    auto line = [&]() {
        const size_t nl = p.find('\n', i);
        const std::string text = p.substr(i, nl == std::string::npos ? std::string::npos : nl - i);
        i = nl == std::string::npos ? p.size() + 1 : nl + 1;
        return text;
    };
    // The unpickler pops its stack and its marks without checking them: BINPERSID on an empty
    // stack made it read before its vector (SEGV, found by fuzzing). So the stack depth and the
    // marks are followed too, and an opcode that would take more than there is is refused.
    size_t depth = 0;
    std::vector<size_t> marks;
    auto underflow = [&]() {
        throw std::runtime_error("its pickle takes more from the unpickler's stack than it put there (a damaged or hostile file)");
    };
    auto take = [&](size_t n, size_t push) {
        if (depth < n)
            underflow();
        depth = depth - n + push;
    };
    auto toMark = [&](size_t below, size_t push) {
        if (marks.empty() || marks.back() > depth || marks.back() < below)
            underflow();
        depth = marks.back() + push;
        marks.pop_back();
    };
    while (i < p.size()) {
        const unsigned char op = uint8_t(p[i++]);
        switch (op) {
        case '(':
            marks.push_back(depth);
            break;
        case 'N': case ')': case ']': case '}': case 0x88: case 0x89: case 'K': case 'M': case 'J': case 'G': case 'I':
        case 'L': case 'F': case 0x8a: case 0x8b: case 'T': case 'X': case 'B': case 'U': case 'C': case 0x8c: case 0x8d:
        case 0x8e: case 0x96: case 'S': case 'V': case 'c': case 'h': case 'j': case 'g': case 0x8f: case 'P': case 0x82:
        case 0x83: case 0x84: case 0x97:
            take(0, 1);
            break;
        case 'q': case 'r': case 'p': case 0x94: case 'Q': case 0x85: case 0x98:
            take(1, 1);
            break;
        case '2':
            take(1, 2);
            break;
        case '0':
            take(1, 0);
            break;
        case 0x86: case 'a': case 'b': case 'R': case 0x81: case 0x93:
            take(2, 1);
            break;
        case 0x87: case 's': case 0x92:
            take(3, 1);
            break;
        case 't': case 'l': case 'd': case 'o': case 'i': case 0x91:
            toMark(0, 1);
            break;
        case 'e': case 'u': case 0x90:
            toMark(1, 0);
            break;
        case '1':
            toMark(0, 0);
            break;
        default:
            break;
        }
        switch (op) {
        case '.':
            return; // STOP
        case '(': case '0': case '1': case '2': case 'N': case ')': case ']': case '}': case 'R': case 'b': case 'a':
        case 'e': case 'u': case 't': case 'l': case 'd': case 'o': case 's': case 'Q': case 0x81: case 0x85: case 0x86:
        case 0x87: case 0x88: case 0x89: case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x97:
        case 0x98:
            break;
        case 'K': case 'h': case 0x80: case 0x82:
            i += 1;
            break;
        case 'q':
            i += 1; // BINPUT: at most 255
            break;
        case 'M': case 0x83:
            i += 2;
            break;
        case 'J': case 'j': case 0x84:
            i += 4;
            break;
        case 'r': { // LONG_BINPUT
            const uint64_t index = readLE(p, i, 4);
            if (i + 4 <= p.size() && index > p.size())
                refuse(index);
            i += 4;
            break;
        }
        case 'G': case 0x95:
            i += 8;
            break;
        case 'U': case 'C': case 0x8c: case 0x8a:
            i += 1 + (i < p.size() ? size_t(uint8_t(p[i])) : 0);
            break;
        case 'T': case 'X': case 'B': case 0x8b: case 0x8d: case 0x8e: case 0x96: {
            // Strings and bytes with a 4- or 8-byte length: the unpickler reserves that length
            // before reading (4 GB for 0xffffffff; found by fuzzing), so it must fit in the pickle.
            const int width = op == 0x8d || op == 0x8e || op == 0x96 ? 8 : 4;
            const uint64_t n = readLE(p, i, width);
            if (i + size_t(width) <= p.size() && n > p.size() - i - size_t(width))
                throw std::runtime_error("its pickle holds a string or bytes of " + std::to_string(n) + " bytes at byte "
                                         + std::to_string(i) + ", past the end of the pickle (" + std::to_string(p.size())
                                         + " bytes; a damaged or hostile file)");
            i += size_t(width) + size_t(n);
            break;
        }
        case 'p': { // PUT: a decimal index on its line
            const std::string text = line();
            char* end = nullptr;
            const unsigned long long index = std::strtoull(text.c_str(), &end, 10);
            if (end != text.c_str() && index > p.size())
                refuse(index);
            break;
        }
        case 'I': case 'L': case 'F': case 'S': case 'V': case 'P': case 'g':
            line();
            break;
        case 'c': case 'i':
            line();
            line();
            break;
        default:
            return; // an opcode LibTorch does not know either: it stops there with an error
        }
    }
}

c10::IValue readTorchSaveArchive(caffe2::serialize::PyTorchStreamReader& reader)
{
    at::DataPtr data;
    size_t size = 0;
    std::tie(data, size) = reader.getRecord("data.pkl");
    // What readArchiveAndTensors("data", ...) does, with the rewritten pickle and the size of
    // every data record remembered for checkTensor().
    const std::string pickle = rewriteSetItem(std::string(static_cast<const char*>(data.get()), size));
    data.clear();
    checkMemoIndices(pickle);
    size_t pos = 0;
    auto read = [&](char* buffer, size_t len) -> size_t {
        const size_t n = std::min(len, pickle.size() - pos);
        std::memcpy(buffer, pickle.data() + pos, n);
        pos += n;
        return n;
    };
    RecordSizes records;
    auto readRecord = [&](const std::string& name) {
        at::DataPtr ptr;
        size_t bytes = 0;
        std::tie(ptr, bytes) = reader.getRecord("data/" + name);
        records[ptr.get()] = bytes;
        return ptr;
    };
    torch::jit::Unpickler unpickler(read, nullptr, nullptr, readRecord, c10::nullopt);
    unpickler.set_version(reader.version());
    c10::IValue value = unpickler.parse_ivalue();
    checkTensors(value, records, 0);
    return value;
}

} // namespace qs::detail
