"""An upload handler that never writes an uploaded file to disk.

Django's default handlers spill any upload above 2.5 MB into a temporary file in clear, which
would put a victim's court decision on the web server's disk. This handler keeps the upload
in memory, up to CASEWORK_DOCUMENT_MAX_MB (one file per request), and drops a larger file
instead of reading it into memory: the request then carries ``upload_too_large`` and the form
says so. The documents service encrypts the bytes before they reach any storage.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


def max_bytes() -> int:
    return settings.CASEWORK_DOCUMENT_MAX_MB * 1024 * 1024


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if not self.too_large and self.buffer.tell() + len(raw_data) > max_bytes():
            self.too_large = True
            self.buffer = io.BytesIO()
            if self.request is not None:
                self.request.upload_too_large = True
        if not self.too_large:
            self.buffer.write(raw_data)
        return None  # consumed here: no later handler gets the bytes

    def file_complete(self, file_size):
        if self.too_large:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer, field_name=self.field_name, name=self.file_name, content_type=self.content_type,
            size=file_size, charset=self.charset, content_type_extra=self.content_type_extra,
        )
