from django.http import HttpResponse

MESSAGE = "hello from poetry-django"


def index(request):
    return HttpResponse(MESSAGE)
