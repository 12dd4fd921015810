//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "seq/Runtime/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace seq::runtime;
using llvm::StringRef;

static llvm::Error npyError(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + message);
}

NpyArray NpyArray::zeros(DType dtype, llvm::ArrayRef<int64_t> shape) {
  NpyArray array;
  array.dtype = dtype;
  array.shape.assign(shape.begin(), shape.end());
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  array.bytes.assign(static_cast<size_t>(n) * dtypeSize(dtype), 0);
  return array;
}

/// Finds `'key':` in the header dictionary and returns the text after it.
static std::optional<StringRef> headerValue(StringRef header, StringRef key) {
  std::string needle = ("'" + key + "'").str();
  size_t at = header.find(needle);
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + needle.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

static std::optional<DType> dtypeFromDescr(StringRef descr, bool &twoByteRaw) {
  // A 2-byte unsigned or void payload may be bf16 (ml_dtypes saves bfloat16
  // as V2); the caller checks it against what the function expects.
  twoByteRaw = descr == "<u2" || descr == "|V2" || descr == "<V2";
  if (twoByteRaw)
    return DType::bf16;
  for (const DTypeInfo &info : dtypeTable())
    if (info.npyDescr == descr)
      return info.dtype;
  return std::nullopt;
}

llvm::Expected<NpyArray> seq::runtime::readNpy(StringRef path) {
  auto fileOrErr =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!fileOrErr)
    return npyError(path,
                    "cannot read file: " + fileOrErr.getError().message());
  StringRef data = (*fileOrErr)->getBuffer();
  if (!data.starts_with("\x93NUMPY") || data.size() < 10)
    return npyError(path, "not a NumPy .npy file (bad magic)");
  unsigned major = static_cast<unsigned char>(data[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(data[8]) |
                (static_cast<unsigned char>(data[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12)
      return npyError(path, "truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<unsigned char>(data[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    return npyError(path, "unsupported .npy version " + llvm::Twine(major));
  }
  if (data.size() < headerStart + headerLen)
    return npyError(path, "truncated header");
  StringRef header = data.substr(headerStart, headerLen);

  std::optional<StringRef> descrText = headerValue(header, "descr");
  std::optional<StringRef> fortranText = headerValue(header, "fortran_order");
  std::optional<StringRef> shapeText = headerValue(header, "shape");
  if (!descrText || !fortranText || !shapeText)
    return npyError(path, "malformed header '" + header.trim() + "'");
  if (!descrText->consume_front("'"))
    return npyError(path, "unsupported dtype descriptor (structured dtype?)");
  StringRef descr = descrText->take_until([](char c) { return c == '\''; });
  if (fortranText->starts_with("True"))
    return npyError(path, "Fortran-order arrays are not supported; save "
                          "np.ascontiguousarray(a)");

  NpyArray array;
  std::optional<DType> dtype = dtypeFromDescr(descr, array.isTwoByteRaw);
  if (!dtype)
    return npyError(path, "unsupported dtype '" + descr +
                              "' (supported: f2 f4 f8 c8 c16 b1 i4 i8, and "
                              "bf16 as u2/V2, little-endian)");
  array.dtype = *dtype;

  StringRef dims = *shapeText;
  if (!dims.consume_front("("))
    return npyError(path, "malformed shape in header");
  dims = dims.take_until([](char c) { return c == ')'; });
  llvm::SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  int64_t count = 1;
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0)
      return npyError(path, "malformed shape in header");
    array.shape.push_back(d);
    count *= d;
  }
  size_t bytes = static_cast<size_t>(count) * dtypeSize(array.dtype);
  size_t offset = headerStart + headerLen;
  if (data.size() - offset != bytes)
    return npyError(path, "holds " + llvm::Twine(data.size() - offset) +
                              " data bytes, but shape (" +
                              formatShape(array.shape) + ") of " +
                              dtypeName(array.dtype) + " needs " +
                              llvm::Twine(bytes));
  array.bytes.assign(data.begin() + offset, data.end());
  return array;
}

llvm::Error seq::runtime::writeNpy(StringRef path, const TensorView &view) {
  if (!view.isContiguous())
    return npyError(path, "can only write contiguous tensors");
  // NumPy's tuple spelling: "()", "(5,)", "(2, 3)".
  std::string shape;
  for (size_t i = 0; i < view.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(view.shape[i]);
  if (view.shape.size() == 1)
    shape += ",";
  std::string header = "{'descr': '" + dtypeInfo(view.dtype).npyDescr.str() +
                       "', 'fortran_order': False, 'shape': (" + shape + ")";
  header += ", }";
  // Pad so that the data starts at a multiple of 64 bytes, as NumPy does.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return npyError(path, "cannot write: " + ec.message());
  os << "\x93NUMPY" << '\x01' << '\x00';
  os << static_cast<char>(header.size() & 0xff)
     << static_cast<char>((header.size() >> 8) & 0xff);
  os << header;
  os.write(static_cast<const char *>(view.data),
           static_cast<size_t>(view.numElements()) * dtypeSize(view.dtype));
  os.close();
  if (os.has_error())
    return npyError(path, "write failed: " + os.error().message());
  return llvm::Error::success();
}
