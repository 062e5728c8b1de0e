from django.http import HttpResponse


def home(request):
    return HttpResponse("home")


def category_detail(request, slug):
    return HttpResponse(slug)


def product_detail(request, slug):
    return HttpResponse(slug)


def search(request):
    return HttpResponse("search")
