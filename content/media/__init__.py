"""Media: where uploaded files live and what is done to them before anyone sees them.

``store`` owns the storage contract and its two backends (local disk, S3), ``sniff`` decides a
file's type from its bytes and cleans display names, ``images`` re-encodes pictures into
metadata-free renditions. Import the submodules directly: this package re-exports nothing, so
sniffing a type never pulls in boto3 or Pillow.
"""
