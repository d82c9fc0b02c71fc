// model.summary(): keras/src/utils/summary_utils.py print_summary, with the parts of rich 15 that shape its
// text ported below: the table's column widths (rich/table.py, _ratio.py), word wrapping and "…" cropping of
// cells (_wrap.py, text.py, containers.py), cell widths (cells.py, _unicode_data), markup (markup.py) and the
// HEAVY_HEAD box (box.py). Text is handled as code points, as Python's str is, and measured in terminal cells.
#include "graph/summary.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "graph/layer.hpp"
#include "types/dtype.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

using Text = std::u32string;

// ------------------------------------------------------------------------------------------------ UTF-8

Text decode_utf8(std::string_view s) {
  Text out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    char32_t cp = lead;
    if (lead >= 0xF0 && lead < 0xF8) {
      extra = 3;
      cp = lead & 0x07u;
    } else if (lead >= 0xE0 && lead < 0xF0) {
      extra = 2;
      cp = lead & 0x0Fu;
    } else if (lead >= 0xC0 && lead < 0xE0) {
      extra = 1;
      cp = lead & 0x1Fu;
    } else if (lead >= 0x80) {
      extra = SIZE_MAX;  // a stray continuation byte or an invalid lead
    }
    bool ok = extra != SIZE_MAX && i + extra < s.size();
    for (std::size_t k = 1; ok && k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      ok = (next & 0xC0u) == 0x80u;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

std::string encode_utf8(const Text& text) {
  std::string out;
  out.reserve(text.size());
  for (const char32_t cp : text) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

Text ascii(std::string_view s) { return Text(s.begin(), s.end()); }

// str.isspace(), which is also what `\s` matches in Python's str patterns.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

Text rstrip(const Text& t) {
  std::size_t end = t.size();
  while (end > 0 && is_space(t[end - 1])) --end;
  return t.substr(0, end);
}

// ------------------------------------------------------------------------------- cell widths: rich/cells.py

struct CellRange {
  char32_t start;
  char32_t end;
  int width;
};

// rich 15.0.0's table for Unicode 17.0.0 (rich/_unicode_data/unicode17-0-0.py, the "latest" that rich's
// "auto" picks): the code points of zero or double width, and the characters that VS16 widens.
constexpr CellRange kCellRanges[] = {
    {0x0, 0x0, 0}, {0x300, 0x36F, 0}, {0x483, 0x489, 0}, {0x591, 0x5BD, 0}, {0x5BF, 0x5BF, 0}, {0x5C1, 0x5C2, 0},
    {0x5C4, 0x5C5, 0}, {0x5C7, 0x5C7, 0}, {0x610, 0x61A, 0}, {0x61C, 0x61C, 0}, {0x64B, 0x65F, 0}, {0x670, 0x670, 0},
    {0x6D6, 0x6DC, 0}, {0x6DF, 0x6E4, 0}, {0x6E7, 0x6E8, 0}, {0x6EA, 0x6ED, 0}, {0x711, 0x711, 0}, {0x730, 0x74A, 0},
    {0x7A6, 0x7B0, 0}, {0x7EB, 0x7F3, 0}, {0x7FD, 0x7FD, 0}, {0x816, 0x819, 0}, {0x81B, 0x823, 0}, {0x825, 0x827, 0},
    {0x829, 0x82D, 0}, {0x859, 0x85B, 0}, {0x897, 0x89F, 0}, {0x8CA, 0x8E1, 0}, {0x8E3, 0x903, 0}, {0x93A, 0x93C, 0},
    {0x93E, 0x94F, 0}, {0x951, 0x957, 0}, {0x962, 0x963, 0}, {0x981, 0x983, 0}, {0x9BC, 0x9BC, 0}, {0x9BE, 0x9C4, 0},
    {0x9C7, 0x9C8, 0}, {0x9CB, 0x9CD, 0}, {0x9D7, 0x9D7, 0}, {0x9E2, 0x9E3, 0}, {0x9FE, 0x9FE, 0}, {0xA01, 0xA03, 0},
    {0xA3C, 0xA3C, 0}, {0xA3E, 0xA42, 0}, {0xA47, 0xA48, 0}, {0xA4B, 0xA4D, 0}, {0xA51, 0xA51, 0}, {0xA70, 0xA71, 0},
    {0xA75, 0xA75, 0}, {0xA81, 0xA83, 0}, {0xABC, 0xABC, 0}, {0xABE, 0xAC5, 0}, {0xAC7, 0xAC9, 0}, {0xACB, 0xACD, 0},
    {0xAE2, 0xAE3, 0}, {0xAFA, 0xAFF, 0}, {0xB01, 0xB03, 0}, {0xB3C, 0xB3C, 0}, {0xB3E, 0xB44, 0}, {0xB47, 0xB48, 0},
    {0xB4B, 0xB4D, 0}, {0xB55, 0xB57, 0}, {0xB62, 0xB63, 0}, {0xB82, 0xB82, 0}, {0xBBE, 0xBC2, 0}, {0xBC6, 0xBC8, 0},
    {0xBCA, 0xBCD, 0}, {0xBD7, 0xBD7, 0}, {0xC00, 0xC04, 0}, {0xC3C, 0xC3C, 0}, {0xC3E, 0xC44, 0}, {0xC46, 0xC48, 0},
    {0xC4A, 0xC4D, 0}, {0xC55, 0xC56, 0}, {0xC62, 0xC63, 0}, {0xC81, 0xC83, 0}, {0xCBC, 0xCBC, 0}, {0xCBE, 0xCC4, 0},
    {0xCC6, 0xCC8, 0}, {0xCCA, 0xCCD, 0}, {0xCD5, 0xCD6, 0}, {0xCE2, 0xCE3, 0}, {0xCF3, 0xCF3, 0}, {0xD00, 0xD03, 0},
    {0xD3B, 0xD3C, 0}, {0xD3E, 0xD44, 0}, {0xD46, 0xD48, 0}, {0xD4A, 0xD4D, 0}, {0xD57, 0xD57, 0}, {0xD62, 0xD63, 0},
    {0xD81, 0xD83, 0}, {0xDCA, 0xDCA, 0}, {0xDCF, 0xDD4, 0}, {0xDD6, 0xDD6, 0}, {0xDD8, 0xDDF, 0}, {0xDF2, 0xDF3, 0},
    {0xE31, 0xE31, 0}, {0xE34, 0xE3A, 0}, {0xE47, 0xE4E, 0}, {0xEB1, 0xEB1, 0}, {0xEB4, 0xEBC, 0}, {0xEC8, 0xECE, 0},
    {0xF18, 0xF19, 0}, {0xF35, 0xF35, 0}, {0xF37, 0xF37, 0}, {0xF39, 0xF39, 0}, {0xF3E, 0xF3F, 0}, {0xF71, 0xF84, 0},
    {0xF86, 0xF87, 0}, {0xF8D, 0xF97, 0}, {0xF99, 0xFBC, 0}, {0xFC6, 0xFC6, 0}, {0x102B, 0x103E, 0},
    {0x1056, 0x1059, 0}, {0x105E, 0x1060, 0}, {0x1062, 0x1064, 0}, {0x1067, 0x106D, 0}, {0x1071, 0x1074, 0},
    {0x1082, 0x108D, 0}, {0x108F, 0x108F, 0}, {0x109A, 0x109D, 0}, {0x1100, 0x115F, 2}, {0x1160, 0x11FF, 0},
    {0x135D, 0x135F, 0}, {0x1712, 0x1715, 0}, {0x1732, 0x1734, 0}, {0x1752, 0x1753, 0}, {0x1772, 0x1773, 0},
    {0x17B4, 0x17D3, 0}, {0x17DD, 0x17DD, 0}, {0x180B, 0x180F, 0}, {0x1885, 0x1886, 0}, {0x18A9, 0x18A9, 0},
    {0x1920, 0x192B, 0}, {0x1930, 0x193B, 0}, {0x1A17, 0x1A1B, 0}, {0x1A55, 0x1A5E, 0}, {0x1A60, 0x1A7C, 0},
    {0x1A7F, 0x1A7F, 0}, {0x1AB0, 0x1ADD, 0}, {0x1AE0, 0x1AEB, 0}, {0x1B00, 0x1B04, 0}, {0x1B34, 0x1B44, 0},
    {0x1B6B, 0x1B73, 0}, {0x1B80, 0x1B82, 0}, {0x1BA1, 0x1BAD, 0}, {0x1BE6, 0x1BF3, 0}, {0x1C24, 0x1C37, 0},
    {0x1CD0, 0x1CD2, 0}, {0x1CD4, 0x1CE8, 0}, {0x1CED, 0x1CED, 0}, {0x1CF4, 0x1CF4, 0}, {0x1CF7, 0x1CF9, 0},
    {0x1DC0, 0x1DFF, 0}, {0x200B, 0x200F, 0}, {0x2028, 0x202E, 0}, {0x2060, 0x206F, 0}, {0x20D0, 0x20F0, 0},
    {0x231A, 0x231B, 2}, {0x2329, 0x232A, 2}, {0x23E9, 0x23EC, 2}, {0x23F0, 0x23F0, 2}, {0x23F3, 0x23F3, 2},
    {0x25FD, 0x25FE, 2}, {0x2614, 0x2615, 2}, {0x2630, 0x2637, 2}, {0x2648, 0x2653, 2}, {0x267F, 0x267F, 2},
    {0x268A, 0x268F, 2}, {0x2693, 0x2693, 2}, {0x26A1, 0x26A1, 2}, {0x26AA, 0x26AB, 2}, {0x26BD, 0x26BE, 2},
    {0x26C4, 0x26C5, 2}, {0x26CE, 0x26CE, 2}, {0x26D4, 0x26D4, 2}, {0x26EA, 0x26EA, 2}, {0x26F2, 0x26F3, 2},
    {0x26F5, 0x26F5, 2}, {0x26FA, 0x26FA, 2}, {0x26FD, 0x26FD, 2}, {0x2705, 0x2705, 2}, {0x270A, 0x270B, 2},
    {0x2728, 0x2728, 2}, {0x274C, 0x274C, 2}, {0x274E, 0x274E, 2}, {0x2753, 0x2755, 2}, {0x2757, 0x2757, 2},
    {0x2795, 0x2797, 2}, {0x27B0, 0x27B0, 2}, {0x27BF, 0x27BF, 2}, {0x2B1B, 0x2B1C, 2}, {0x2B50, 0x2B50, 2},
    {0x2B55, 0x2B55, 2}, {0x2CEF, 0x2CF1, 0}, {0x2D7F, 0x2D7F, 0}, {0x2DE0, 0x2DFF, 0}, {0x2E80, 0x2E99, 2},
    {0x2E9B, 0x2EF3, 2}, {0x2F00, 0x2FD5, 2}, {0x2FF0, 0x3029, 2}, {0x302A, 0x302F, 0}, {0x3030, 0x303E, 2},
    {0x3041, 0x3096, 2}, {0x3099, 0x309A, 0}, {0x309B, 0x30FF, 2}, {0x3105, 0x312F, 2}, {0x3131, 0x3163, 2},
    {0x3164, 0x3164, 0}, {0x3165, 0x318E, 2}, {0x3190, 0x31E5, 2}, {0x31EF, 0x321E, 2}, {0x3220, 0x3247, 2},
    {0x3250, 0xA48C, 2}, {0xA490, 0xA4C6, 2}, {0xA66F, 0xA672, 0}, {0xA674, 0xA67D, 0}, {0xA69E, 0xA69F, 0},
    {0xA6F0, 0xA6F1, 0}, {0xA802, 0xA802, 0}, {0xA806, 0xA806, 0}, {0xA80B, 0xA80B, 0}, {0xA823, 0xA827, 0},
    {0xA82C, 0xA82C, 0}, {0xA880, 0xA881, 0}, {0xA8B4, 0xA8C5, 0}, {0xA8E0, 0xA8F1, 0}, {0xA8FF, 0xA8FF, 0},
    {0xA926, 0xA92D, 0}, {0xA947, 0xA953, 0}, {0xA960, 0xA97C, 2}, {0xA980, 0xA983, 0}, {0xA9B3, 0xA9C0, 0},
    {0xA9E5, 0xA9E5, 0}, {0xAA29, 0xAA36, 0}, {0xAA43, 0xAA43, 0}, {0xAA4C, 0xAA4D, 0}, {0xAA7B, 0xAA7D, 0},
    {0xAAB0, 0xAAB0, 0}, {0xAAB2, 0xAAB4, 0}, {0xAAB7, 0xAAB8, 0}, {0xAABE, 0xAABF, 0}, {0xAAC1, 0xAAC1, 0},
    {0xAAEB, 0xAAEF, 0}, {0xAAF5, 0xAAF6, 0}, {0xABE3, 0xABEA, 0}, {0xABEC, 0xABED, 0}, {0xAC00, 0xD7A3, 2},
    {0xD7B0, 0xD7FF, 0}, {0xF900, 0xFAFF, 2}, {0xFB1E, 0xFB1E, 0}, {0xFE00, 0xFE0F, 0}, {0xFE10, 0xFE19, 2},
    {0xFE20, 0xFE2F, 0}, {0xFE30, 0xFE52, 2}, {0xFE54, 0xFE66, 2}, {0xFE68, 0xFE6B, 2}, {0xFEFF, 0xFEFF, 0},
    {0xFF01, 0xFF60, 2}, {0xFFA0, 0xFFA0, 0}, {0xFFE0, 0xFFE6, 2}, {0xFFF0, 0xFFFB, 0}, {0x101FD, 0x101FD, 0},
    {0x102E0, 0x102E0, 0}, {0x10376, 0x1037A, 0}, {0x10A01, 0x10A03, 0}, {0x10A05, 0x10A06, 0}, {0x10A0C, 0x10A0F, 0},
    {0x10A38, 0x10A3A, 0}, {0x10A3F, 0x10A3F, 0}, {0x10AE5, 0x10AE6, 0}, {0x10D24, 0x10D27, 0}, {0x10D69, 0x10D6D, 0},
    {0x10EAB, 0x10EAC, 0}, {0x10EFA, 0x10EFF, 0}, {0x10F46, 0x10F50, 0}, {0x10F82, 0x10F85, 0}, {0x11000, 0x11002, 0},
    {0x11038, 0x11046, 0}, {0x11070, 0x11070, 0}, {0x11073, 0x11074, 0}, {0x1107F, 0x11082, 0}, {0x110B0, 0x110BA, 0},
    {0x110C2, 0x110C2, 0}, {0x11100, 0x11102, 0}, {0x11127, 0x11134, 0}, {0x11145, 0x11146, 0}, {0x11173, 0x11173, 0},
    {0x11180, 0x11182, 0}, {0x111B3, 0x111C0, 0}, {0x111C9, 0x111CC, 0}, {0x111CE, 0x111CF, 0}, {0x1122C, 0x11237, 0},
    {0x1123E, 0x1123E, 0}, {0x11241, 0x11241, 0}, {0x112DF, 0x112EA, 0}, {0x11300, 0x11303, 0}, {0x1133B, 0x1133C, 0},
    {0x1133E, 0x11344, 0}, {0x11347, 0x11348, 0}, {0x1134B, 0x1134D, 0}, {0x11357, 0x11357, 0}, {0x11362, 0x11363, 0},
    {0x11366, 0x1136C, 0}, {0x11370, 0x11374, 0}, {0x113B8, 0x113C0, 0}, {0x113C2, 0x113C2, 0}, {0x113C5, 0x113C5, 0},
    {0x113C7, 0x113CA, 0}, {0x113CC, 0x113D0, 0}, {0x113D2, 0x113D2, 0}, {0x113E1, 0x113E2, 0}, {0x11435, 0x11446, 0},
    {0x1145E, 0x1145E, 0}, {0x114B0, 0x114C3, 0}, {0x115AF, 0x115B5, 0}, {0x115B8, 0x115C0, 0}, {0x115DC, 0x115DD, 0},
    {0x11630, 0x11640, 0}, {0x116AB, 0x116B7, 0}, {0x1171D, 0x1172B, 0}, {0x1182C, 0x1183A, 0}, {0x11930, 0x11935, 0},
    {0x11937, 0x11938, 0}, {0x1193B, 0x1193E, 0}, {0x11940, 0x11940, 0}, {0x11942, 0x11943, 0}, {0x119D1, 0x119D7, 0},
    {0x119DA, 0x119E0, 0}, {0x119E4, 0x119E4, 0}, {0x11A01, 0x11A0A, 0}, {0x11A33, 0x11A39, 0}, {0x11A3B, 0x11A3E, 0},
    {0x11A47, 0x11A47, 0}, {0x11A51, 0x11A5B, 0}, {0x11A8A, 0x11A99, 0}, {0x11B60, 0x11B67, 0}, {0x11C2F, 0x11C36, 0},
    {0x11C38, 0x11C3F, 0}, {0x11C92, 0x11CA7, 0}, {0x11CA9, 0x11CB6, 0}, {0x11D31, 0x11D36, 0}, {0x11D3A, 0x11D3A, 0},
    {0x11D3C, 0x11D3D, 0}, {0x11D3F, 0x11D45, 0}, {0x11D47, 0x11D47, 0}, {0x11D8A, 0x11D8E, 0}, {0x11D90, 0x11D91, 0},
    {0x11D93, 0x11D97, 0}, {0x11EF3, 0x11EF6, 0}, {0x11F00, 0x11F01, 0}, {0x11F03, 0x11F03, 0}, {0x11F34, 0x11F3A, 0},
    {0x11F3E, 0x11F42, 0}, {0x11F5A, 0x11F5A, 0}, {0x13430, 0x13440, 0}, {0x13447, 0x13455, 0}, {0x1611E, 0x1612F, 0},
    {0x16AF0, 0x16AF4, 0}, {0x16B30, 0x16B36, 0}, {0x16F4F, 0x16F4F, 0}, {0x16F51, 0x16F87, 0}, {0x16F8F, 0x16F92, 0},
    {0x16FE0, 0x16FE3, 2}, {0x16FE4, 0x16FE4, 0}, {0x16FF0, 0x16FF1, 0}, {0x16FF2, 0x16FF6, 2}, {0x17000, 0x18CD5, 2},
    {0x18CFF, 0x18D1E, 2}, {0x18D80, 0x18DF2, 2}, {0x1AFF0, 0x1AFF3, 2}, {0x1AFF5, 0x1AFFB, 2}, {0x1AFFD, 0x1AFFE, 2},
    {0x1B000, 0x1B122, 2}, {0x1B132, 0x1B132, 2}, {0x1B150, 0x1B152, 2}, {0x1B155, 0x1B155, 2}, {0x1B164, 0x1B167, 2},
    {0x1B170, 0x1B2FB, 2}, {0x1BC9D, 0x1BC9E, 0}, {0x1BCA0, 0x1BCA3, 0}, {0x1CF00, 0x1CF2D, 0}, {0x1CF30, 0x1CF46, 0},
    {0x1D165, 0x1D169, 0}, {0x1D16D, 0x1D182, 0}, {0x1D185, 0x1D18B, 0}, {0x1D1AA, 0x1D1AD, 0}, {0x1D242, 0x1D244, 0},
    {0x1D300, 0x1D356, 2}, {0x1D360, 0x1D376, 2}, {0x1DA00, 0x1DA36, 0}, {0x1DA3B, 0x1DA6C, 0}, {0x1DA75, 0x1DA75, 0},
    {0x1DA84, 0x1DA84, 0}, {0x1DA9B, 0x1DA9F, 0}, {0x1DAA1, 0x1DAAF, 0}, {0x1E000, 0x1E006, 0}, {0x1E008, 0x1E018, 0},
    {0x1E01B, 0x1E021, 0}, {0x1E023, 0x1E024, 0}, {0x1E026, 0x1E02A, 0}, {0x1E08F, 0x1E08F, 0}, {0x1E130, 0x1E136, 0},
    {0x1E2AE, 0x1E2AE, 0}, {0x1E2EC, 0x1E2EF, 0}, {0x1E4EC, 0x1E4EF, 0}, {0x1E5EE, 0x1E5EF, 0}, {0x1E6E3, 0x1E6E3, 0},
    {0x1E6E6, 0x1E6E6, 0}, {0x1E6EE, 0x1E6EF, 0}, {0x1E6F5, 0x1E6F5, 0}, {0x1E8D0, 0x1E8D6, 0}, {0x1E944, 0x1E94A, 0},
    {0x1F004, 0x1F004, 2}, {0x1F0CF, 0x1F0CF, 2}, {0x1F18E, 0x1F18E, 2}, {0x1F191, 0x1F19A, 2}, {0x1F200, 0x1F202, 2},
    {0x1F210, 0x1F23B, 2}, {0x1F240, 0x1F248, 2}, {0x1F250, 0x1F251, 2}, {0x1F260, 0x1F265, 2}, {0x1F300, 0x1F320, 2},
    {0x1F32D, 0x1F335, 2}, {0x1F337, 0x1F37C, 2}, {0x1F37E, 0x1F393, 2}, {0x1F3A0, 0x1F3CA, 2}, {0x1F3CF, 0x1F3D3, 2},
    {0x1F3E0, 0x1F3F0, 2}, {0x1F3F4, 0x1F3F4, 2}, {0x1F3F8, 0x1F3FA, 2}, {0x1F3FB, 0x1F3FF, 0}, {0x1F400, 0x1F43E, 2},
    {0x1F440, 0x1F440, 2}, {0x1F442, 0x1F4FC, 2}, {0x1F4FF, 0x1F53D, 2}, {0x1F54B, 0x1F54E, 2}, {0x1F550, 0x1F567, 2},
    {0x1F57A, 0x1F57A, 2}, {0x1F595, 0x1F596, 2}, {0x1F5A4, 0x1F5A4, 2}, {0x1F5FB, 0x1F64F, 2}, {0x1F680, 0x1F6C5, 2},
    {0x1F6CC, 0x1F6CC, 2}, {0x1F6D0, 0x1F6D2, 2}, {0x1F6D5, 0x1F6D8, 2}, {0x1F6DC, 0x1F6DF, 2}, {0x1F6EB, 0x1F6EC, 2},
    {0x1F6F4, 0x1F6FC, 2}, {0x1F7E0, 0x1F7EB, 2}, {0x1F7F0, 0x1F7F0, 2}, {0x1F90C, 0x1F93A, 2}, {0x1F93C, 0x1F945, 2},
    {0x1F947, 0x1F9FF, 2}, {0x1FA70, 0x1FA7C, 2}, {0x1FA80, 0x1FA8A, 2}, {0x1FA8E, 0x1FAC6, 2}, {0x1FAC8, 0x1FAC8, 2},
    {0x1FACD, 0x1FADC, 2}, {0x1FADF, 0x1FAEA, 2}, {0x1FAEF, 0x1FAF8, 2}, {0x20000, 0x2FFFD, 2}, {0x30000, 0x3FFFD, 2},
    {0xE0000, 0xE0FFF, 0},
};
constexpr char32_t kNarrowToWide[] = {
    0x23, 0x2A, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xA9, 0xAE, 0x203C, 0x2049, 0x2122,
    0x2139, 0x2194, 0x2195, 0x2196, 0x2197, 0x2198, 0x2199, 0x21A9, 0x21AA, 0x2328, 0x23CF, 0x23ED, 0x23EE, 0x23EF,
    0x23F1, 0x23F2, 0x23F8, 0x23F9, 0x23FA, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25C0, 0x25FB, 0x25FC, 0x2600, 0x2601,
    0x2602, 0x2603, 0x2604, 0x260E, 0x2611, 0x2618, 0x261D, 0x2620, 0x2622, 0x2623, 0x2626, 0x262A, 0x262E, 0x262F,
    0x2638, 0x2639, 0x263A, 0x2640, 0x2642, 0x265F, 0x2660, 0x2663, 0x2665, 0x2666, 0x2668, 0x267B, 0x267E, 0x2692,
    0x2694, 0x2695, 0x2696, 0x2697, 0x2699, 0x269B, 0x269C, 0x26A0, 0x26A7, 0x26B0, 0x26B1, 0x26C8, 0x26CF, 0x26D1,
    0x26D3, 0x26E9, 0x26F0, 0x26F1, 0x26F4, 0x26F7, 0x26F8, 0x26F9, 0x2702, 0x2708, 0x2709, 0x270C, 0x270D, 0x270F,
    0x2712, 0x2714, 0x2716, 0x271D, 0x2721, 0x2733, 0x2734, 0x2744, 0x2747, 0x2763, 0x2764, 0x27A1, 0x2934, 0x2935,
    0x2B05, 0x2B06, 0x2B07, 0x1F170, 0x1F171, 0x1F17E, 0x1F17F, 0x1F321, 0x1F324, 0x1F325, 0x1F326, 0x1F327, 0x1F328,
    0x1F329, 0x1F32A, 0x1F32B, 0x1F32C, 0x1F336, 0x1F37D, 0x1F396, 0x1F397, 0x1F399, 0x1F39A, 0x1F39B, 0x1F39E,
    0x1F39F, 0x1F3CB, 0x1F3CC, 0x1F3CD, 0x1F3CE, 0x1F3D4, 0x1F3D5, 0x1F3D6, 0x1F3D7, 0x1F3D8, 0x1F3D9, 0x1F3DA,
    0x1F3DB, 0x1F3DC, 0x1F3DD, 0x1F3DE, 0x1F3DF, 0x1F3F3, 0x1F3F5, 0x1F3F7, 0x1F43F, 0x1F441, 0x1F4FD, 0x1F549,
    0x1F54A, 0x1F56F, 0x1F570, 0x1F573, 0x1F574, 0x1F575, 0x1F576, 0x1F577, 0x1F578, 0x1F579, 0x1F587, 0x1F58A,
    0x1F58B, 0x1F58C, 0x1F58D, 0x1F590, 0x1F5A5, 0x1F5A8, 0x1F5B1, 0x1F5B2, 0x1F5BC, 0x1F5C2, 0x1F5C3, 0x1F5C4,
    0x1F5D1, 0x1F5D2, 0x1F5D3, 0x1F5DC, 0x1F5DD, 0x1F5DE, 0x1F5E1, 0x1F5E3, 0x1F5E8, 0x1F5EF, 0x1F5F3, 0x1F5FA,
    0x1F6CB, 0x1F6CD, 0x1F6CE, 0x1F6CF, 0x1F6E0, 0x1F6E1, 0x1F6E2, 0x1F6E3, 0x1F6E4, 0x1F6E5, 0x1F6E9, 0x1F6F0,
    0x1F6F3,
};

constexpr char32_t kZeroWidthJoiner = 0x200D;
constexpr char32_t kVariationSelector16 = 0xFE0F;

// rich's _SINGLE_CELL_UNICODE_RANGES: strings made only of these take the fast paths (len, slicing).
bool is_single_cell(char32_t c) {
  return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xAC) || (c >= 0xAE && c <= 0x2FF) ||
         (c >= 0x370 && c <= 0x482) || (c >= 0x2500 && c <= 0x25FC) || (c >= 0x2800 && c <= 0x28FF);
}

bool all_single_cell(const Text& t) { return std::all_of(t.begin(), t.end(), is_single_cell); }

bool narrow_to_wide(char32_t c) { return std::binary_search(std::begin(kNarrowToWide), std::end(kNarrowToWide), c); }

// get_character_cell_size
int character_cell_size(char32_t c) {
  if ((c != 0 && c < 32) || (c >= 0x7F && c < 0xA0)) return 0;
  const auto* end = std::end(kCellRanges);
  if (c > (end - 1)->end) return 1;
  const auto* it = std::upper_bound(std::begin(kCellRanges), end, c,
                                    [](char32_t value, const CellRange& r) { return value < r.start; });
  if (it == std::begin(kCellRanges)) return 1;
  --it;
  return c <= it->end ? it->width : 1;
}

// cell_len
int cell_len(const Text& text) {
  if (all_single_cell(text)) return static_cast<int>(text.size());
  int total = 0;
  if (text.find(kZeroWidthJoiner) == Text::npos && text.find(kVariationSelector16) == Text::npos) {
    for (const char32_t c : text) total += character_cell_size(c);
    return total;
  }
  char32_t last_measured = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == kZeroWidthJoiner) {
      ++i;  // the joined character adds nothing
    } else if (c == kVariationSelector16) {
      if (last_measured != 0) {
        total += narrow_to_wide(last_measured) ? 1 : 0;
        last_measured = 0;
      }
    } else if (const int width = character_cell_size(c)) {
      last_measured = c;
      total += width;
    }
  }
  return total;
}

struct Grapheme {
  std::size_t start;
  std::size_t end;
  int cells;
};

// split_graphemes (the spans only).
std::vector<Grapheme> split_graphemes(const Text& text) {
  std::vector<Grapheme> spans;
  char32_t last_measured = 0;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const char32_t c = text[i];
    if (c == kZeroWidthJoiner || c == kVariationSelector16) {
      if (spans.empty()) {
        spans.push_back({i, i + 1, 0});
        ++i;
        continue;
      }
      if (c == kZeroWidthJoiner) {
        i += i < n - 1 ? 2 : 1;
      } else {
        ++i;
        if (last_measured != 0 && narrow_to_wide(last_measured)) {
          last_measured = 0;
          spans.back().cells += 1;
        }
      }
      spans.back().end = i;
      continue;
    }
    if (const int width = character_cell_size(c)) {
      last_measured = c;
      spans.push_back({i, i + 1, width});
    } else if (!spans.empty()) {
      spans.back().end = i + 1;
    } else {
      spans.push_back({i, i + 1, 0});
    }
    ++i;
  }
  return spans;
}

// _split_text(text, cell_position)[0]: the part before the position; a double-width character it cuts
// becomes a space.
Text split_text_left(const Text& text, int cell_position) {
  if (cell_position <= 0) return Text();
  const std::vector<Grapheme> spans = split_graphemes(text);
  int cell_length = 0;
  for (const Grapheme& g : spans) cell_length += g.cells;
  // Python: int((cell_position / cell_length) * len(spans)), the same guess so the same boundary is found.
  auto offset = static_cast<std::size_t>((static_cast<double>(cell_position) / cell_length) *
                                         static_cast<double>(spans.size()));
  int left_size = 0;
  for (std::size_t k = 0; k < offset; ++k) left_size += spans[k].cells;
  while (true) {
    if (left_size == cell_position) {
      if (offset >= spans.size()) return text;
      return text.substr(0, spans[offset].start);
    }
    if (left_size < cell_position) {
      const Grapheme& g = spans[offset];
      if (left_size + g.cells > cell_position) return text.substr(0, g.start) + U" ";
      ++offset;
      left_size += g.cells;
    } else {
      const Grapheme& g = spans[offset - 1];
      if (left_size - g.cells < cell_position) return text.substr(0, g.start) + U" ";
      --offset;
      left_size -= g.cells;
    }
  }
}

// set_cell_size: crop or pad to `total` cells. A negative total slices as Python's text[:total] does.
Text set_cell_size(const Text& text, int total) {
  if (all_single_cell(text)) {
    const auto size = static_cast<int>(text.size());
    if (size < total) return text + Text(static_cast<std::size_t>(total - size), U' ');
    const int keep = total >= 0 ? total : std::max(0, size + total);
    return text.substr(0, static_cast<std::size_t>(keep));
  }
  if (total <= 0) return Text();
  const int size = cell_len(text);
  if (size == total) return text;
  if (size < total) return text + Text(static_cast<std::size_t>(total - size), U' ');
  return split_text_left(text, total);
}

// ------------------------------------------------------------------------------------ markup: rich/markup.py

// A tag at `pos`: RE_TAGS = ((\\*)\[([a-z#/@][^[]*?)]). Sets the backslash count, the tag text and the end.
bool match_tag(const Text& s, std::size_t pos, std::size_t& backslashes, Text& tag, std::size_t& end) {
  std::size_t i = pos;
  while (i < s.size() && s[i] == U'\\') ++i;
  if (i + 1 >= s.size() || s[i] != U'[') return false;
  const char32_t first = s[i + 1];
  if (!((first >= U'a' && first <= U'z') || first == U'#' || first == U'/' || first == U'@')) return false;
  std::size_t j = i + 2;
  while (j < s.size() && s[j] != U']' && s[j] != U'[') ++j;
  if (j >= s.size() || s[j] != U']') return false;
  backslashes = i - pos;
  tag = s.substr(i + 1, j - i - 1);
  end = j + 1;
  return true;
}

// rich.markup.escape
Text escape_markup(const Text& markup) {
  Text out;
  std::size_t pos = 0;
  while (pos < markup.size()) {
    std::size_t backslashes = 0, end = 0;
    Text tag;
    if (match_tag(markup, pos, backslashes, tag, end)) {
      out.append(2 * backslashes, U'\\');
      out += U"\\[" + tag + U"]";
      pos = end;
    } else {
      out.push_back(markup[pos++]);
    }
  }
  if (!out.empty() && out.back() == U'\\' && !(out.size() >= 2 && out[out.size() - 2] == U'\\')) out.push_back(U'\\');
  return out;
}

Text normalize_style(const Text& name) {
  std::size_t b = 0, e = name.size();
  while (b < e && is_space(name[b])) ++b;
  while (e > b && is_space(name[e - 1])) --e;
  Text out = name.substr(b, e - b);
  for (char32_t& c : out) {
    if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
  }
  return out;
}

// rich.markup.render, keeping the plain text only (styles do not show without colour). Tags are dropped and
// escapes resolved as rich does. Differences: emoji codes (":smile:") are left as they are, and a closing tag
// that matches no open tag is dropped where rich raises MarkupError.
Text render_markup(const Text& markup) {
  auto append_plain = [](Text& out, const Text& plain) {
    for (std::size_t i = 0; i < plain.size(); ++i) {
      if (plain[i] == U'\\' && i + 1 < plain.size() && plain[i + 1] == U'[') continue;  // "\\[" -> "["
      out.push_back(plain[i]);
    }
  };
  Text out;
  std::vector<Text> open_tags;
  std::size_t position = 0, scan = 0;
  while (scan < markup.size()) {
    std::size_t backslashes = 0, end = 0;
    Text tag;
    if (!match_tag(markup, scan, backslashes, tag, end)) {
      ++scan;
      continue;
    }
    if (scan > position) append_plain(out, markup.substr(position, scan - position));
    position = end;
    const std::size_t literal = backslashes / 2;
    out.append(literal, U'\\');
    if (backslashes % 2 == 1) {  // an escaped tag is text
      append_plain(out, U"[" + tag + U"]");
    } else if (tag[0] == U'/') {
      const Text name = normalize_style(tag.substr(1));
      if (name.empty()) {
        if (!open_tags.empty()) open_tags.pop_back();
      } else {
        const auto it = std::find(open_tags.rbegin(), open_tags.rend(), name);
        if (it != open_tags.rend()) open_tags.erase(std::next(it).base());
      }
    } else {
      const std::size_t eq = tag.find(U'=');
      open_tags.push_back(normalize_style(eq == Text::npos ? tag : tag.substr(0, eq)));
    }
    scan = end;
  }
  if (position < markup.size()) append_plain(out, markup.substr(position));
  return out;
}

// ------------------------------------------------------------------- wrapping cells: rich/_wrap.py, text.py

// Text.expand_tabs(8) of one line: each tab becomes spaces up to the next multiple of 8 cells.
Text expand_tabs(const Text& line) {
  if (line.find(U'\t') == Text::npos) return line;
  Text out;
  int cell_position = 0;
  std::size_t from = 0;
  while (from < line.size()) {
    const std::size_t tab = line.find(U'\t', from);
    Text part = line.substr(from, tab == Text::npos ? Text::npos : tab + 1 - from);
    from = tab == Text::npos ? line.size() : tab + 1;
    if (tab != Text::npos) {
      part.back() = U' ';
      cell_position += cell_len(part);
      if (const int remainder = cell_position % 8) {
        part.append(static_cast<std::size_t>(8 - remainder), U' ');
        cell_position += 8 - remainder;
      }
    } else {
      cell_position += cell_len(part);
    }
    out += part;
  }
  return out;
}

// divide_line(text, width, fold=False): the offsets to break the text at.
std::vector<std::size_t> divide_line(const Text& text, int width) {
  std::vector<std::size_t> breaks;
  int cell_offset = 0;
  std::size_t pos = 0;
  const std::size_t n = text.size();
  while (pos < n) {  // words: \s*\S+\s* matched from pos
    std::size_t i = pos;
    while (i < n && is_space(text[i])) ++i;
    if (i == n) break;
    while (i < n && !is_space(text[i])) ++i;
    while (i < n && is_space(text[i])) ++i;
    const std::size_t start = pos;
    const Text word = text.substr(pos, i - pos);
    pos = i;
    const int word_length = cell_len(rstrip(word));
    if (width - cell_offset >= word_length) {
      cell_offset += cell_len(word);
    } else if (word_length > width) {
      if (start != 0) breaks.push_back(start);  // no room on any line: cropped later, not folded
      cell_offset = cell_len(word);
    } else if (cell_offset != 0 && start != 0) {
      breaks.push_back(start);
      cell_offset = cell_len(word);
    }
  }
  return breaks;
}

// Text.truncate(max_width, overflow="ellipsis", pad)
void truncate(Text& line, int max_width, bool pad) {
  const int length = cell_len(line);
  if (length > max_width) line = set_cell_size(line, max_width - 1) + U"\u2026";
  if (pad && length < max_width) line.append(static_cast<std::size_t>(max_width - length), U' ');
}

enum class Justify { Left, Right };

// Segment.adjust_line_length(pad=True): exactly `width` cells.
Text fit_line(const Text& line, int width) {
  const int length = cell_len(line);
  if (length < width) return line + Text(static_cast<std::size_t>(width - length), U' ');
  if (length > width) return set_cell_size(line, width);
  return line;
}

// A table cell's text rendered as Text.wrap does it (justify, overflow="ellipsis"), then cropped and padded
// to the width as console.render_lines does.
std::vector<Text> wrap_cell(const Text& text, int width, Justify justify) {
  std::vector<Text> lines;
  std::size_t line_start = 0;
  while (true) {  // Text.split("\n", allow_blank=True)
    const std::size_t newline = text.find(U'\n', line_start);
    const Text line = expand_tabs(text.substr(line_start, newline == Text::npos ? Text::npos : newline - line_start));
    const std::vector<std::size_t> offsets = divide_line(line, width);
    std::vector<Text> pieces;
    std::size_t from = 0;
    for (const std::size_t offset : offsets) {
      pieces.push_back(line.substr(from, offset - from));
      from = offset;
    }
    pieces.push_back(line.substr(from));
    for (Text& piece : pieces) {
      // rstrip_end(width): trailing whitespace beyond the width (counted in code points, as rich does).
      const auto length = static_cast<int>(piece.size());
      if (length > width) {
        const std::size_t whitespace = piece.size() - rstrip(piece).size();
        piece.resize(piece.size() - std::min<std::size_t>(whitespace, static_cast<std::size_t>(length - width)));
      }
      if (justify == Justify::Left) {  // Lines.justify
        truncate(piece, width, true);
      } else {
        piece = rstrip(piece);
        truncate(piece, width, false);
        const int pad = width - cell_len(piece);
        if (pad > 0) piece = Text(static_cast<std::size_t>(pad), U' ') + piece;
      }
      truncate(piece, width, false);
      lines.push_back(fit_line(piece, width));
    }
    if (newline == Text::npos) break;
    line_start = newline + 1;
  }
  return lines;
}

// ------------------------------------------------------------------------------- the table: rich/table.py

struct Column {
  Text header;
  Justify justify;
  int width;  // Column(width=...): the content width Keras asks for
};

// Python's round() of a / b (a >= 0, b > 0): half to even.
int round_half_even(int a, int b) {
  const int q = a / b, r = a % b;
  if (2 * r > b || (2 * r == b && q % 2 == 1)) return q + 1;
  return q;
}

// ratio_reduce(total, ratios, maximums, values)
std::vector<int> ratio_reduce(int total, std::vector<int> ratios, const std::vector<int>& maximums,
                              const std::vector<int>& values) {
  for (std::size_t i = 0; i < ratios.size(); ++i) {
    if (maximums[i] == 0) ratios[i] = 0;
  }
  int total_ratio = 0;
  for (const int r : ratios) total_ratio += r;
  if (total_ratio == 0) return values;
  int total_remaining = total;
  std::vector<int> result;
  for (std::size_t i = 0; i < ratios.size(); ++i) {
    if (ratios[i] != 0 && total_ratio > 0) {
      const int distributed = std::min(maximums[i], round_half_even(ratios[i] * total_remaining, total_ratio));
      result.push_back(values[i] - distributed);
      total_remaining -= distributed;
      total_ratio -= ratios[i];
    } else {
      result.push_back(values[i]);
    }
  }
  return result;
}

// ratio_distribute(total, ratios) without minimums.
std::vector<int> ratio_distribute(int total, const std::vector<int>& ratios) {
  int total_ratio = 0;
  for (const int r : ratios) total_ratio += r;
  int total_remaining = total;
  std::vector<int> result;
  for (const int ratio : ratios) {
    int distributed = total_remaining;
    if (total_ratio > 0) {
      const int numerator = ratio * total_remaining;  // ceil(numerator / total_ratio)
      distributed = numerator / total_ratio + (numerator % total_ratio > 0 ? 1 : 0);
    }
    result.push_back(distributed);
    total_ratio -= ratio;
    total_remaining -= distributed;
  }
  return result;
}

constexpr int kCellPadding = 2;  // padding=(0, 1): one space each side

// Table._measure_column of a fixed-width column: its width plus padding, at most max_width.
int measure_column(const Column& column, int max_width) {
  if (max_width < 1) return 0;
  return std::min(column.width + kCellPadding, max_width);
}

// Table._calculate_column_widths for Table(width=line_length) of fixed-width columns (widths with padding).
std::vector<int> column_widths(const std::vector<Column>& columns, int table_width) {
  const int extra_width = 2 + static_cast<int>(columns.size()) - 1;  // the edges and the dividers
  const int max_width = table_width - extra_width;
  std::vector<int> widths;
  for (const Column& c : columns) widths.push_back(std::max(measure_column(c, max_width), 1));
  int total = 0;
  for (const int w : widths) total += w;
  if (total > max_width) {
    // _collapse_widths changes nothing (no column may wrap: all have a width); the last resort reduces all
    // columns evenly.
    widths = ratio_reduce(total - max_width, std::vector<int>(widths.size(), 1), widths, widths);
    total = 0;
    for (const int w : widths) total += w;
    for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = measure_column(columns[i], widths[i]);
  }
  if (total < max_width) {  // Table(width=...) expands
    const std::vector<int> pads = ratio_distribute(max_width - total, widths);
    for (std::size_t i = 0; i < widths.size(); ++i) widths[i] += pads[i];
  }
  return widths;
}

// The HEAVY_HEAD box.
struct BoxRow {
  const char* left;
  const char* horizontal;
  const char* cross;
  const char* right;
};
constexpr BoxRow kTop{"\u250F", "\u2501", "\u2533", "\u2513"};        // ┏━┳┓
constexpr BoxRow kHeadRow{"\u2521", "\u2501", "\u2547", "\u2529"};    // ┡━╇┩
constexpr BoxRow kRow{"\u251C", "\u2500", "\u253C", "\u2524"};        // ├─┼┤
constexpr BoxRow kBottom{"\u2514", "\u2500", "\u2534", "\u2518"};     // └─┴┘
constexpr const char* kHeadVertical = "\u2503";                      // ┃
constexpr const char* kVertical = "\u2502";                          // │

void rule(std::string& out, const BoxRow& box, const std::vector<int>& widths) {
  out += box.left;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    for (int k = 0; k < widths[i]; ++k) out += box.horizontal;
    out += i + 1 < widths.size() ? box.cross : box.right;
  }
  out += '\n';
}

// One row: each cell wrapped to its width less padding, aligned (headers to the bottom, cells to the top)
// to the row's height.
void row(std::string& out, const std::vector<Column>& columns, const std::vector<int>& widths,
         const std::vector<Text>& cells, bool header) {
  std::vector<std::vector<Text>> rendered;
  std::size_t height = 1;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const int inner = widths[i] - kCellPadding;
    std::vector<Text> lines;
    for (const Text& line : wrap_cell(cells[i], inner, columns[i].justify)) {
      lines.push_back(fit_line(U" " + line + U" ", widths[i]));
    }
    height = std::max(height, lines.size());
    rendered.push_back(std::move(lines));
  }
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    const Text blank(static_cast<std::size_t>(std::max(widths[i], 0)), U' ');
    const std::size_t missing = height - rendered[i].size();
    rendered[i].insert(header ? rendered[i].begin() : rendered[i].end(), missing, blank);
  }
  const char* vertical = header ? kHeadVertical : kVertical;
  for (std::size_t line = 0; line < height; ++line) {
    out += vertical;
    for (const auto& cell : rendered) {
      out += encode_utf8(cell[line]);
      out += vertical;
    }
    out += '\n';
  }
}

// Table(*columns, width=line_length, show_lines=True) printed on a console wider than the table.
std::string render_table(const std::vector<Column>& columns, const std::vector<std::vector<Text>>& rows,
                         int line_length) {
  const std::vector<int> widths = column_widths(columns, line_length);
  std::string out;
  rule(out, kTop, widths);
  std::vector<Text> headers;
  for (const Column& c : columns) headers.push_back(c.header);
  row(out, columns, widths, headers, true);
  rule(out, kHeadRow, widths);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) rule(out, kRow, widths);
    row(out, columns, widths, rows[i], false);
  }
  rule(out, kBottom, widths);
  return out;
}

// -------------------------------------------------------------------------------- Keras's summary_utils.py

Text highlight_number(const std::string& x) { return U"[color(34)]" + ascii(x) + U"[/]"; }

std::string with_thousands(int64_t n) {  // f"{n:,}"
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

Text format_shape(const Shape& shape) {
  Text out = U"(";
  for (std::size_t i = 0; i < shape.dims().size(); ++i) {
    if (i > 0) out += U", ";
    const int64_t d = shape.dims()[i];
    out += d == kNoneDim ? U"[color(45)]None[/]" : highlight_number(std::to_string(d));
  }
  return out + U")";
}

// format_layer_shape: the output shapes of the layer's last call (in this model or not).
Text format_layer_shape(const Layer& layer) {
  if (layer.inbound_nodes().empty()) return U"?";
  const Node& node = layer.inbound_nodes().back();
  if (node.outputs.size() == 1) return format_shape(node.outputs.front()->shape());
  Text out = U"[";  // str() of the list of shape strings, quotes removed
  for (std::size_t i = 0; i < node.outputs.size(); ++i) {
    if (i > 0) out += U", ";
    out += format_shape(node.outputs[i]->shape());
  }
  return out + U"]";
}

using NodeSet = std::unordered_set<const Node*>;

// print_summary's sequential_like for a Functional model: one node per depth, none with several inputs, and
// no layer called twice in the model.
bool functional_is_sequential_like(const Model& model) {
  const std::vector<NodeRef>& order = model.execution_order();
  std::unordered_map<const Node*, int> depth;
  for (const NodeRef& ref : order) depth[&ref.node()] = 0;
  std::unordered_map<const Layer*, int> calls;
  for (const NodeRef& ref : order) {
    if (ref.node().graph_input_count() > 1) return false;
    if (++calls[ref.layer] > 1) return false;
  }
  // With every layer called once, a node's depth is its longest path to an output (map_graph's depths).
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int d = depth[&it->node()];
    for (const KerasTensor* x : it->node().graph_inputs()) {
      const KerasHistory& h = x->history();
      const Node* parent = &h.layer->inbound_nodes()[static_cast<std::size_t>(h.node_index)];
      const auto p = depth.find(parent);
      if (p != depth.end()) p->second = std::max(p->second, d + 1);
    }
  }
  std::unordered_set<int> depths;
  for (const auto& entry : depth) {
    if (!depths.insert(entry.second).second) return false;
  }
  return true;
}

// get_connections: the inputs of the layer's calls that belong to the model.
Text connections(const Layer& layer, const NodeSet& model_nodes) {
  Text out;
  for (const Node& node : layer.inbound_nodes()) {
    if (model_nodes.count(&node) == 0) continue;
    for (const KerasTensor* x : node.graph_inputs()) {
      const KerasHistory& h = x->history();
      if (!out.empty()) out += U", ";
      out += decode_utf8(h.layer->name()) + U"[" + highlight_number(std::to_string(h.node_index)) + U"][" +
             highlight_number(std::to_string(h.tensor_index)) + U"]";
    }
  }
  return out.empty() ? U"-" : out;
}

// dtype_utils.dtype_size: bits per element of a variable dtype.
int dtype_bits(const std::string& name) {
  static const std::pair<const char*, int> kSizes[] = {
      {"float16", 16}, {"float32", 32}, {"float64", 64}, {"int8", 8},    {"int16", 16},   {"int32", 32},
      {"int64", 64},   {"uint8", 8},    {"uint16", 16},  {"uint32", 32}, {"uint64", 64}, {"bfloat16", 16},
      {"bool", 1}};
  for (const auto& [dtype, bits] : kSizes) {
    if (name == dtype) return bits;
  }
  throw_invalid("Invalid dtype: " + name);
}

// The layer's variable dtype (its DTypePolicy's: float32 for the mixed policies) and whether it is trainable.
struct LayerVariables {
  int bits = 32;
  bool trainable = true;
};

LayerVariables layer_variables(const Layer& layer) {
  LayerVariables out;
  const Json config = layer.get_config();
  if (!config.is_object()) return out;
  if (config.contains("trainable") && config["trainable"].is_boolean()) out.trainable = config["trainable"].get<bool>();
  std::string policy = "float32";
  if (config.contains("dtype")) {
    const Json& dtype = config["dtype"];
    if (dtype.is_string()) {
      policy = dtype.get<std::string>();
    } else if (dtype.is_object() && dtype.contains("config") && dtype["config"].is_object() &&
               dtype["config"].contains("name") && dtype["config"]["name"].is_string()) {
      policy = dtype["config"]["name"].get<std::string>();
    }
  }
  if (policy == "mixed_float16" || policy == "mixed_bfloat16") policy = "float32";
  if (const auto standard = dtype_from_name(policy)) policy = std::string(dtype_name(*standard));
  out.bits = dtype_bits(policy);
  return out;
}

// f(owner, weight) for each of the layer's weights; for a model used as a layer, each weight of its layers
// (recursively), as Keras counts a nested model's parameters.
template <typename F>
void for_each_weight(const Layer& layer, F&& f) {
  if (const Model* inner = layer.nested_model()) {
    for (const Layer* l : inner->layers()) for_each_weight(*l, f);
    return;
  }
  for (const Weight& w : layer.weights()) f(layer, w);
  for (const Layer::SubLayer& sub : layer.sublayers()) for_each_weight(*sub.layer, f);  // a wrapper's
}

// readable_memory_size
std::string readable_memory_size(double size) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  char buffer[64];
  for (const char* unit : kUnits) {
    if (size / 1024 < 1) {
      std::snprintf(buffer, sizeof buffer, "%.2f %s", size, unit);
      return buffer;
    }
    size /= 1024;
  }
  std::snprintf(buffer, sizeof buffer, "%.2f %s", size, "PB");
  return buffer;
}

std::string params_line(const char* label, int64_t count, double bytes) {
  return std::string(" ") + label + " params: " + with_thousands(count) + " (" + readable_memory_size(bytes) + ")\n";
}

// console.print(markup) on a console wider than the text: its lines, tabs expanded, each ending with "\n".
std::string console_line(const Text& markup) {
  const Text text = render_markup(markup);
  std::string out;
  std::size_t from = 0;
  while (true) {
    const std::size_t newline = text.find(U'\n', from);
    out += encode_utf8(expand_tabs(text.substr(from, newline == Text::npos ? Text::npos : newline - from)));
    out += '\n';
    if (newline == Text::npos) return out;
    from = newline + 1;
  }
}

}  // namespace

std::string model_summary(const Model& model, int line_length) {
  const bool sequential_like =
      dynamic_cast<const Sequential*>(&model) != nullptr || functional_is_sequential_like(model);
  std::vector<double> positions;
  std::vector<Column> columns;
  if (sequential_like) {
    positions = {0.45, 0.80, 1.0};
    columns = {{U"Layer (type)", Justify::Left, 0}, {U"Output Shape", Justify::Left, 0}, {U"Param #", Justify::Right, 0}};
  } else {
    positions = {0.3, 0.56, 0.74, 1.0};
    columns = {{U"Layer (type)", Justify::Left, 0},
               {U"Output Shape", Justify::Left, 0},
               {U"Param #", Justify::Right, 0},
               {U"Connected to", Justify::Left, 0}};
  }
  if (line_length == 0) line_length = sequential_like ? 88 : 108;
  int current = 0;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const int width = static_cast<int>(positions[i] * line_length) - current;
    if (width < 4) throw_invalid("Insufficient console width to print summary.");
    columns[i].width = width;
    current += width;
  }

  NodeSet model_nodes;
  for (const NodeRef& ref : model.execution_order()) model_nodes.insert(&ref.node());
  std::vector<std::vector<Text>> rows;
  for (const Layer* layer : model.layers()) {
    std::vector<Text> fields;
    fields.push_back(escape_markup(decode_utf8(layer->name())) + U" ([color(33)]" +
                     escape_markup(decode_utf8(std::string(layer->class_name()))) + U"[/])");
    fields.push_back(format_layer_shape(*layer));
    const bool built = layer->built() || layer->class_name() == "InputLayer";
    if (built) {
      int64_t count = 0;
      for_each_weight(*layer, [&](const Layer&, const Weight& w) { count += w.shape.num_elements().value_or(0); });
      fields.push_back(highlight_number(with_thousands(count)));
    } else {
      fields.push_back(highlight_number("0") + U" (unbuilt)");
    }
    if (!sequential_like) fields.push_back(connections(*layer, model_nodes));
    for (Text& field : fields) field = render_markup(field);
    rows.push_back(std::move(fields));
  }

  // model.trainable_weights / non_trainable_weights: a frozen layer's weights are all non-trainable.
  int64_t trainable_count = 0, non_trainable_count = 0, trainable_bits = 0, non_trainable_bits = 0;
  std::unordered_set<const Weight*> seen;
  for (const Layer* layer : model.layers()) {
    const Layer* last_owner = nullptr;
    LayerVariables variables;
    for_each_weight(*layer, [&](const Layer& owner, const Weight& w) {
      if (!seen.insert(&w).second) return;
      if (&owner != last_owner) variables = layer_variables(owner);  // its config: once per layer
      last_owner = &owner;
      const int64_t n = w.shape.num_elements().value_or(0);
      const int64_t bits = w.keras_bits > 0 ? w.keras_bits : variables.bits;
      if (w.trainable && variables.trainable) {
        trainable_count += n;
        trainable_bits += n * bits;
      } else {
        non_trainable_count += n;
        non_trainable_bits += n * bits;
      }
    });
  }
  const double trainable_bytes = static_cast<double>(trainable_bits) / 8;
  const double non_trainable_bytes = static_cast<double>(non_trainable_bits) / 8;

  std::string out = console_line(U"[bold]Model: \"" + escape_markup(decode_utf8(model.name())) + U"\"[/]");
  out += render_table(columns, rows, line_length);
  out += params_line("Total", trainable_count + non_trainable_count, trainable_bytes + non_trainable_bytes);
  out += params_line("Trainable", trainable_count, trainable_bytes);
  out += params_line("Non-trainable", non_trainable_count, non_trainable_bytes);
  return out;
}

}  // namespace inlay::core
