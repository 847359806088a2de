from django.views.debug import SafeExceptionReporterFilter


class ConfidentialExceptionReporterFilter(SafeExceptionReporterFilter):
    """Report where an error happened, never the values it happened with."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [("(local variables hidden)", self.cleansed_substitute)]

    def get_safe_request_meta(self, request):
        return {key: self.cleansed_substitute for key in getattr(request, "META", {})}
